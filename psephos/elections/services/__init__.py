"""Write elections: their definition (``election``) and a whole setup from files (``setup``).

The definition's services are importable from here too, as they were when this
package was one module (``from psephos.elections.services import election_create``).
"""

from .election import OptionSpec, Schedule, election_create, election_delete, election_revise

__all__ = ["OptionSpec", "Schedule", "election_create", "election_delete", "election_revise"]
