from django import forms
from django.utils import timezone

from groundswell.ballots.models import Ballot
from groundswell.members.models import Category


class BallotForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    method = forms.ChoiceField(choices=Ballot.Method.choices, initial=Ballot.Method.IRV)
    seats = forms.IntegerField(min_value=1, max_value=50, initial=1)
    candidates = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), help_text="one candidate per line, in ballot-paper order"
    )
    eligible_categories = forms.MultipleChoiceField(
        choices=Category.choices, widget=forms.CheckboxSelectMultiple, initial=[Category.MEMBER]
    )
    freeze_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), help_text="who may vote is fixed as of this date"
    )
    min_membership_days = forms.IntegerField(
        min_value=0, initial=0, help_text="members must have joined this many days before the freeze"
    )
    trustees = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="the email of each trustee's Groundswell account, one per line (you and the scrutineers); "
        "the ballot's key is split among them",
    )
    threshold = forms.IntegerField(
        min_value=1,
        max_value=16,
        initial=2,
        help_text="how many trustees together can open the box and count",
    )
    opens_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def clean(self):
        data = super().clean()
        for name in ("opens_at", "closes_at"):
            value = data.get(name)
            if value is not None and timezone.is_naive(value):
                data[name] = timezone.make_aware(value)
        data["candidate_list"] = [
            line.strip() for line in data.get("candidates", "").splitlines() if line.strip()
        ]
        data["trustee_list"] = [
            line.strip() for line in data.get("trustees", "").splitlines() if line.strip()
        ]
        return data
