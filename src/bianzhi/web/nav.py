# Moved to bianzhi.kernel.nav; this alias goes once every importer is updated.
from bianzhi.kernel.nav import *  # noqa: F403
