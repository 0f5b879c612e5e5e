from tests.duty_actors import *  # noqa: F403
