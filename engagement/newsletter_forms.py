"""Forms for news items and newsletter issues. They turn input into values; the rules live in
news.py and newsletters.py."""

from datetime import datetime, time

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from pcc_portal.dates import GovukDateField
from pcc_portal.limits import character_count, limit_texts

from .calendar_text import LONDON, format_time
from .newsletter_models import DistributionList, NewsItem, Newsletter


class NewsItemForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=NewsItem._meta.get_field("title").max_length,
        error_messages={"required": "Enter a title"},
    )
    summary = forms.CharField(
        label="Summary",
        help_text="One or two sentences: the news page and the newsletter show this",
        max_length=NewsItem._meta.get_field("summary").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter a summary"},
    )
    body = forms.CharField(
        label="Story",
        help_text="Plain English. Leave a blank line between paragraphs.",
        max_length=NewsItem._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Enter the story"},
    )

    def __init__(self, *args, submit_label="Save as a draft", **kwargs):
        super().__init__(*args, **kwargs)
        limit_texts(self, {"title": "Title", "summary": "Summary", "body": "Story"})
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title"),
            character_count(self, "summary", rows=2),
            character_count(self, "body", rows=10),
            Submit("save", submit_label),
        )


class NewsMoveForm(forms.Form):
    to = forms.ChoiceField(
        label="What happens to the story?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happens to the story"},
    )
    note = forms.CharField(
        label="Note for the author",
        help_text="Needed when you send the story back: what to change",
        required=False,
        max_length=NewsItem._meta.get_field("review_note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, moves, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(move.target, move.action) for move in moves]
        limit_texts(self, {"note": "The note"})
        layout = [Field.radios("to", small=True, legend_size=Size.MEDIUM)]
        if any(move.target == NewsItem.Status.REJECTED for move in moves):
            layout.append(character_count(self, "note", rows=3))
        else:
            del self.fields["note"]
        self.helper = FormHelper()
        self.helper.layout = Layout(*layout, Submit("move", "Save"))


class NewsletterForm(forms.Form):
    subject = forms.CharField(
        label="Subject",
        max_length=Newsletter._meta.get_field("subject").max_length,
        error_messages={"required": "Enter a subject"},
    )
    kind = forms.ChoiceField(
        label="Which newsletter is it?",
        help_text="The weekly issue lists what is on in the next two weeks, the quarterly one "
        "the next three months, any other the next four weeks",
        choices=Newsletter.Kind.choices,
        widget=forms.RadioSelect,
        initial=Newsletter.Kind.OTHER,
        error_messages={"required": "Select which newsletter it is"},
    )
    introduction = forms.CharField(
        label="Introduction (optional)",
        required=False,
        max_length=Newsletter._meta.get_field("introduction").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    lists = forms.ModelMultipleChoiceField(
        label="Send it to",
        queryset=DistributionList.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one list to send the issue to"},
    )
    news_items = forms.ModelMultipleChoiceField(
        label="News items (optional)",
        help_text="Published stories, newest first",
        required=False,
        queryset=NewsItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    sections = forms.MultipleChoiceField(
        label="Sections (optional)",
        help_text="Each lists what is on or open while the issue is current; a section with "
        "nothing in it is left out",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, section_choices, news_items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = section_choices
        self.fields["news_items"].queryset = news_items
        limit_texts(self, {"subject": "Subject", "introduction": "Introduction"})
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("subject"),
            Field.radios("kind", small=True, legend_size=Size.MEDIUM),
            character_count(self, "introduction", rows=5),
            Field.checkboxes("lists", small=True, legend_size=Size.MEDIUM),
            Field.checkboxes("news_items", small=True, legend_size=Size.MEDIUM),
            Field.checkboxes("sections", small=True, legend_size=Size.MEDIUM),
            Submit("save", "Save the issue"),
        )


# Half-hourly, through the office's working day.
SEND_TIMES = [time(hour, minute) for hour in range(6, 21) for minute in (0, 30)]


class ScheduleForm(forms.Form):
    day = GovukDateField(
        label="Day to send it",
        help_text="For example, 27 3 2027",
        name="Day to send it",
        not_in_past=True,
    )
    at = forms.TypedChoiceField(
        label="Time to send it",
        choices=[(t.strftime("%H:%M"), format_time(t)) for t in SEND_TIMES],
        coerce=lambda value: datetime.strptime(value, "%H:%M").time(),
        error_messages={"required": "Select a time to send it"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The page and the schedule page each wrap it in a form posting to the schedule.
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field("day", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.select("at"),
            Submit("schedule", "Schedule the issue"),
        )

    def when(self) -> datetime:
        return datetime.combine(self.cleaned_data["day"], self.cleaned_data["at"], tzinfo=LONDON)
