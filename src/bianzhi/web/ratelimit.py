# Moved to bianzhi.kernel.ratelimit; this alias goes once every importer is updated.
from bianzhi.kernel.ratelimit import *  # noqa: F403
