from django import forms
from django.utils import timezone


class SessionForm(forms.Form):
    constituency = forms.ModelChoiceField(queryset=None, help_text="the seat you will canvass")
    title = forms.CharField(max_length=120, initial="Saturday canvass")
    meeting_point = forms.CharField(max_length=200, help_text="where canvassers meet")
    starts_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    capacity = forms.IntegerField(min_value=1, max_value=1000, initial=20)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, constituencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["constituency"].queryset = constituencies

    def clean(self):
        data = super().clean()
        for name in ("starts_at", "ends_at"):
            if data.get(name) is not None and timezone.is_naive(data[name]):
                data[name] = timezone.make_aware(data[name])
        return data
