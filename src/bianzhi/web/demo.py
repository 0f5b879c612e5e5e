# Moved to bianzhi.kernel.demo; this alias goes once every importer is updated.
from bianzhi.kernel.demo import *  # noqa: F403
