"""News: the public news page and a story's page (cached, decision 35), and the pages where
staff and ambassadors write stories and engagement officers approve them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from pcc_portal.public_cache import cached_for_visitors

from .. import news
from ..forms import add_service_errors
from ..newsletter_forms import NewsItemForm, NewsMoveForm
from ..newsletter_models import NewsItem
from ..rules import (
    CHANGE_NEWS_ITEM,
    PUBLISH_NEWS,
    WRITE_NEWS,
    WRITE_NEWS_AS_AMBASSADOR,
    WRITE_NEWS_AS_STAFF,
)
from ..signals import NEWS
from .access import rule_required

NEWS_PER_PAGE = 20
STAFF_NEWS_PER_PAGE = 25


def _published():
    return NewsItem.objects.published()


@require_GET
@cached_for_visitors(NEWS, query=("page",))
def news_list(request):
    """Published stories, newest first."""
    items = (
        _published()
        .only("title", "slug", "summary", "published_at")
        .order_by("-published_at", "-pk")
    )
    page = Paginator(items, NEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "engagement/news/news_list.html", {"page": page})


@require_GET
@cached_for_visitors(NEWS)
def news_item(request, slug):
    item = get_object_or_404(_published(), slug=slug)
    return render(request, "engagement/news/news_item.html", {"item": item})


# --- Writing and approving ----------------------------------------------------------------------


def _list_url(user) -> str:
    """Where the person's list of stories is: the staff pages, or an ambassador's own."""
    if user.has_perm(WRITE_NEWS_AS_STAFF) or not user.has_perm(WRITE_NEWS_AS_AMBASSADOR):
        return reverse("engagement:staff_news_list")
    return reverse("engagement:ambassador_news_list")


def _tagged(item: NewsItem) -> NewsItem:
    item.state = {
        "staff_name": item.get_status_display(),
        "colour": news.COLOURS.get(item.status, "grey"),
    }
    return item


def _news_list(request):
    """An engagement officer sees every story, waiting for approval first; anyone else who
    writes sees their own."""
    items = NewsItem.objects.select_related("author").order_by("-created_at", "-pk")
    publisher = request.user.has_perm(PUBLISH_NEWS)
    if not publisher:
        items = items.filter(author=request.user)
    waiting = (
        list(map(_tagged, items.filter(status=NewsItem.Status.AWAITING_APPROVAL)))
        if publisher
        else []
    )
    page = Paginator(items, STAFF_NEWS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = [_tagged(item) for item in page.object_list]
    return render(
        request,
        "engagement/news/staff_news_list.html",
        {"page": page, "waiting": waiting, "publisher": publisher},
    )


# The same list, in the staff menu for staff and in an ambassador's own menu for ambassadors;
# the stories' own pages open to anyone who may write news.
staff_news_list = rule_required(WRITE_NEWS_AS_STAFF)(_news_list)
ambassador_news_list = rule_required(WRITE_NEWS_AS_AMBASSADOR)(_news_list)


@rule_required(WRITE_NEWS)
def news_item_new(request):
    form = NewsItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = news.write_news_item(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Story saved as a draft.")
            return redirect("engagement:news_item_review", pk=item.pk)
    return render(
        request,
        "engagement/news/news_item_form.html",
        {"form": form, "item": None, "list_url": _list_url(request.user)},
        status=400 if form.errors else 200,
    )


def _item_for(request, pk) -> NewsItem:
    item = get_object_or_404(NewsItem.objects.select_related("author", "reviewed_by"), pk=pk)
    if not (request.user.has_perm(PUBLISH_NEWS) or item.author_id == request.user.pk):
        raise PermissionDenied
    return item


@rule_required(WRITE_NEWS)
def news_item_edit(request, pk):
    item = _item_for(request, pk)
    if not request.user.has_perm(CHANGE_NEWS_ITEM, item):
        raise PermissionDenied
    form = NewsItemForm(
        request.POST or None,
        initial={"title": item.title, "summary": item.summary, "body": item.body},
        submit_label="Save changes",
    )
    if request.method == "POST" and form.is_valid():
        try:
            news.change_news_item(item=item, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Story saved.")
            return redirect("engagement:news_item_review", pk=item.pk)
    return render(
        request,
        "engagement/news/news_item_form.html",
        {"form": form, "item": item, "list_url": _list_url(request.user)},
        status=400 if form.errors else 200,
    )


@rule_required(WRITE_NEWS)
def news_item_review(request, pk):
    """A story as staff see it, with what may happen to it next."""
    item = _item_for(request, pk)
    moves = news.moves_for(request.user, item)
    if request.method == "POST" and not moves:
        raise PermissionDenied
    form = NewsMoveForm(request.POST or None, moves=moves) if moves else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            news.move_news_item(
                item=item,
                to=form.cleaned_data["to"],
                note=form.cleaned_data.get("note", ""),
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Story updated.")
            return redirect("engagement:news_item_review", pk=item.pk)
    return render(
        request,
        "engagement/news/news_item_review.html",
        {
            "item": _tagged(item),
            "form": form,
            "can_change": request.user.has_perm(CHANGE_NEWS_ITEM, item),
            "list_url": _list_url(request.user),
        },
        status=400 if form is not None and form.errors else 200,
    )
