# Moved to bianzhi.kernel.clientinfo; this alias goes once every importer is updated.
from bianzhi.kernel.clientinfo import *  # noqa: F403
