"""Official 2022 figures the simulation must reproduce, written out independently of the code.

The presidential election's votes per option as in the annex of the ODIHR final report;
the simulation derives its figures from its own scenario data.
"""

PRESIDENTIAL_2022_VOTES = {
    "abden": 206_206,
    "auesbayev": 176_116,
    "dayrabayev": 271_641,
    "kazhyken": 200_907,
    "tokayev": 6_456_392,
    "tursynbekova": 168_731,
    "against-all": 460_484,
}
