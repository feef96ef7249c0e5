"""News items: short stories for the public news page and the newsletter.

Anyone who may write news (rules.WRITE_NEWS) writes a draft. An engagement officer
(rules.PUBLISH_NEWS) publishes their own straight away and approves or rejects what others
submit; an ambassador's story waits for that approval. The moves are data (MOVES below), read by
`move_news_item`, the one verb that changes a story's status.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from pcc_portal.mail.services import absolute_url, one_line, send_email
from pcc_portal.models import User
from pcc_portal.roles import ENGAGEMENT_OFFICER

from . import rules
from .newsletter_models import NewsItem

Status = NewsItem.Status

CANNOT_WRITE = "You cannot write news items"
CANNOT_CHANGE = "You cannot change this news item"
ILLEGAL_MOVE = "A news item that is {current} cannot be {action}"
NOTE_REQUIRED = "Enter why the story is not published, so its author can put it right"
SLUG_LENGTH = 200
SUBJECT_TITLE_LENGTH = 80


@dataclass(frozen=True)
class Move:
    target: str
    action: str  # the button's words
    past: str  # "published", in "A news item that is draft cannot be published"
    rule: str  # asked as user.has_perm(rule, item)


SUBMIT = Move(
    Status.AWAITING_APPROVAL, "Send for approval", "sent for approval", rules.CHANGE_NEWS_ITEM
)
PUBLISH = Move(Status.PUBLISHED, "Publish", "published", rules.PUBLISH_NEWS)
REJECT = Move(Status.REJECTED, "Send back to the author", "sent back", rules.PUBLISH_NEWS)
UNPUBLISH = Move(
    Status.DRAFT, "Take off the news page", "taken off the news page", rules.PUBLISH_NEWS
)

# source -> the moves out of it
MOVES: dict[str, tuple[Move, ...]] = {
    Status.DRAFT: (SUBMIT, PUBLISH),
    Status.REJECTED: (SUBMIT, PUBLISH),
    Status.AWAITING_APPROVAL: (PUBLISH, REJECT),
    Status.PUBLISHED: (UNPUBLISH,),
}
# The colour of each status's tag (GOV.UK tag modifiers).
COLOURS = {
    Status.DRAFT: "grey",
    Status.AWAITING_APPROVAL: "yellow",
    Status.PUBLISHED: "green",
    Status.REJECTED: "red",
}


def moves_for(user, item: NewsItem) -> list[Move]:
    """The moves out of the item's status this person may make. Someone who may publish has no
    need to send their own story for approval."""
    found = [move for move in MOVES.get(item.status, ()) if user.has_perm(move.rule, item)]
    if any(move is PUBLISH for move in found):
        found = [move for move in found if move is not SUBMIT]
    return found


def _unique_slug(title: str, *, exclude_pk=None) -> str:
    base = slugify(title)[:SLUG_LENGTH].strip("-") or "news"
    taken = set(
        NewsItem.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def write_news_item(*, title: str, summary: str, body: str, by: User) -> NewsItem:
    """A new draft story by `by`. Raises PermissionDenied for someone who may not write news and
    ValidationError for what the model refuses."""
    if not by.has_perm(rules.WRITE_NEWS):
        raise PermissionDenied(CANNOT_WRITE)
    item = NewsItem(title=title.strip(), summary=summary.strip(), body=body.strip(), author=by)
    item.slug = _unique_slug(item.title)
    item.full_clean()
    with transaction.atomic():
        item.save()
    return item


def change_news_item(*, item: NewsItem, title: str, summary: str, body: str, by: User) -> NewsItem:
    """Correct a story. Its author may while it is a draft or sent back; an engagement officer
    always may. A published story keeps its address."""
    if not by.has_perm(rules.CHANGE_NEWS_ITEM, item):
        raise PermissionDenied(CANNOT_CHANGE)
    item.title, item.summary, item.body = title.strip(), summary.strip(), body.strip()
    if item.status != Status.PUBLISHED:
        item.slug = _unique_slug(item.title, exclude_pk=item.pk)
    item.full_clean()
    with transaction.atomic():
        item.save()
    return item


def move_news_item(*, item: NewsItem, to: str, by: User, note: str = "") -> NewsItem:
    """Move a story to `to` (see MOVES) and record who reviewed it.

    Sending for approval emails the engagement officers; sending back emails the author with
    `note`, which is then required. Raises PermissionDenied for someone the move's rule refuses
    and ValidationError for a move that does not exist; nothing is written then.
    """
    note = (note or "").strip()
    with transaction.atomic():
        # Lock, then read the status: two officers clicking at once make one move.
        item = NewsItem.objects.select_for_update().get(pk=item.pk)
        move = next((m for m in MOVES.get(item.status, ()) if m.target == to), None)
        if move is None:
            current = str(Status(item.status).label).lower()
            past = {m.target: m.past for ms in MOVES.values() for m in ms}.get(to, to)
            raise ValidationError(ILLEGAL_MOVE.format(current=current, action=past))
        if not by.has_perm(move.rule, item):
            raise PermissionDenied(CANNOT_CHANGE)
        if move is REJECT and not note:
            raise ValidationError({"note": NOTE_REQUIRED})
        item.status = move.target
        fields = ["status", "updated_at"]
        if move is PUBLISH:
            item.published_at = timezone.now()
            fields.append("published_at")
        if move in (PUBLISH, REJECT):
            item.reviewed_by = by if by.pk != item.author_id else None
            item.review_note = note
            fields += ["reviewed_by", "review_note"]
        if move is UNPUBLISH:
            item.published_at = None
            fields.append("published_at")
        item.save(update_fields=fields)
        if move is SUBMIT:
            _tell_the_approvers(item, by=by)
        elif move is REJECT:
            _tell_the_author(item)
    return item


def _tell_the_approvers(item: NewsItem, *, by: User) -> None:
    approvers = (
        User.objects.holding_role(ENGAGEMENT_OFFICER.name)
        .filter(is_active=True)
        .exclude(email="")
        .exclude(pk=by.pk)
        .order_by("pk")
    )
    context = {
        "title": item.title,
        "summary": item.summary,
        "author": by.get_full_name(),
        "url": absolute_url(reverse("engagement:news_item_review", args=[item.pk])),
    }
    for approver in approvers:
        send_email(
            to=approver.email,
            subject=f"News to approve: {one_line(item.title, limit=SUBJECT_TITLE_LENGTH)}",
            template="engagement/email/news_awaiting_approval",
            context={**context, "name": approver.get_short_name()},
            related=item,
        )


def _tell_the_author(item: NewsItem) -> None:
    author = item.author
    if not author.email:
        return
    send_email(
        to=author.email,
        subject=f"Not published yet: {one_line(item.title, limit=SUBJECT_TITLE_LENGTH)}",
        template="engagement/email/news_sent_back",
        context={
            "name": author.get_short_name(),
            "title": item.title,
            "note": item.review_note,
            "url": absolute_url(reverse("engagement:news_item_review", args=[item.pk])),
        },
        related=item,
    )
