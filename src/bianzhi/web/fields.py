# Moved to bianzhi.kernel.fields; this alias goes once every importer is updated.
from bianzhi.kernel.fields import *  # noqa: F403
