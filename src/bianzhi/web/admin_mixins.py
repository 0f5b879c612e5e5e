# Moved to bianzhi.kernel.admin_mixins; this alias goes once every importer is updated.
from bianzhi.kernel.admin_mixins import *  # noqa: F403
