"""Every kind of job, and every file jobs prepare, registered by importing the modules that define
them: a worker process, or a sweep of prepared files, must know them all, whichever page or
command ran first."""
from survey.campaigns import closing, link_file, rater_file  # noqa: F401
from survey.followup import notify  # noqa: F401
from survey.mail import sending  # noqa: F401
from survey.quality import workbook_file  # noqa: F401
from survey.reports import archive  # noqa: F401
from survey.results import files  # noqa: F401
from survey.training import cohort_file  # noqa: F401
