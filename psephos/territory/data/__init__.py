"""Maps of Kazakhstan as plain Python data (kazakhstan-rules.md §1).

``kz_2022`` holds the 20-unit map in force from 8 June 2022 (presidential
election of 20 November 2022) and the 17-unit map used by the referendum of
5 June 2022. Nothing here imports Django.
"""
