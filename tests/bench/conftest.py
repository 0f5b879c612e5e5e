from tests.staffing import *  # noqa: F403
