# Moved to bianzhi.kernel.testing; this alias goes once every importer is updated.
from bianzhi.kernel.testing import *  # noqa: F403
