"""Moved to tests/helpers.py. Re-exported here only for tests/test_complaints.py, whose
owner switches its import; then this module goes."""

from tests.helpers import HISTORIES as HISTORIES
from tests.helpers import keep_history as keep_history
from tests.helpers import skip_to as skip_to
from tests.helpers import start as start
from tests.helpers import status as status
from tests.helpers import task_queue as task_queue
from tests.helpers import until as until
from tests.helpers import weekday_at as weekday_at
