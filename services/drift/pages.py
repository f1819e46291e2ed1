"""One stored report, as JSON or as its page with the model's accuracy history."""

from services.drift import report_page
from services.drift.errors import ReportNotFound
from services.drift.service import DriftMonitor, to_schema
from shared.repositories import drift_reports
from shared.schemas_drift import DriftReport

# Checks drawn on a page's accuracy-over-time chart.
HISTORY_CHECKS = 60


async def get_report(*, monitor: DriftMonitor, report_id: int) -> DriftReport:
    """One report by id, or ReportNotFound."""
    stored = await drift_reports.get_report(monitor.pool, report_id)
    if stored is None:
        raise ReportNotFound(f"drift report {report_id} not found")
    return to_schema(stored)


async def report_html(*, monitor: DriftMonitor, report_id: int) -> str:
    """The report's self-contained page, with the checks before it for the history chart."""
    report = await get_report(monitor=monitor, report_id=report_id)
    history = await drift_reports.reports_up_to(
        monitor.pool, model_name=report.model_name, last_id=report.id, limit=HISTORY_CHECKS
    )
    return report_page.render(report, [to_schema(row) for row in history])
