"""The rows of a plan's report page, each drawn once for what it shows (pcc_portal/fragments.py):
a report of 300 tasks is otherwise mostly template work on rows that have not changed.

`signature` names every value `_report_row.html` reads, so a changed status, comment, lead,
milestone suggestion, stale flag or permission draws the row afresh."""

from pcc_portal.fragments import render_each

ROW_TEMPLATE = "delivery_plan/staff/_report_row.html"


def _placed(areas):
    """Each row with its action, whether it starts the action, and the action's length."""
    for area in areas:
        for block in area.actions:
            for index, row in enumerate(block.rows):
                yield row, block.action, index == 0, len(block.rows)


def signature(placed) -> tuple:
    row, action, first, rowspan = placed
    task, suggestion = row.task, row.suggestion
    return (
        task.pk,
        task.summary,
        task.is_done,
        task.done_on,
        task.milestones_text,
        task.rag_status,
        task.rag_comment,
        task.rag_updated_on,
        task.update_count,
        task.is_stale,
        (suggestion.status, suggestion.reason) if suggestion else None,
        tuple((lead.name, lead.initials) for lead in task.leads.all()),
        row.may_update,
        (action.reference, action.commitment, rowspan) if first else None,
    )


def _context(placed) -> dict:
    row, action, first, rowspan = placed
    return {
        "task": row.task,
        "leads": row.task.leads.all(),
        "suggestion": row.suggestion,
        "may_update": row.may_update,
        "action": action,
        "first": first,
        "rowspan": rowspan,
    }


def draw(areas) -> None:
    """Give every row of the laid-out report its markup."""
    placed = list(_placed(areas))
    fragments = render_each(ROW_TEMPLATE, placed, context=_context, signature=signature)
    for (row, *_), markup in zip(placed, fragments, strict=True):
        row.html = markup
