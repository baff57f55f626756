from approdo.governance.models.institutions import *  # noqa: F403
from approdo.governance.models.sai import *  # noqa: F403
