# Moved to bianzhi.kernel.downloads; this alias goes once every importer is updated.
from bianzhi.kernel.downloads import *  # noqa: F403
