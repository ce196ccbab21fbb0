"""The back office's pages (issue 17): commissions, members, operators, stations, sessions."""
