from django.urls import path

from groundswell.reach import views

app_name = "reach"

urlpatterns = [
    path("phonebanks/", views.bank_list, name="list"),
    path("phonebanks/join/", views.join, name="join"),
    path("phonebanks/tps/", views.tps, name="tps"),
    path("phonebanks/consent/", views.consent, name="consent"),
    path("phonebanks/<int:bank_id>/", views.bank_detail, name="bank"),
    path("call/", views.join, name="call_code"),
    path("call/<str:code>/", views.call_page, name="call"),
    path("call/<str:code>/join/", views.call_join, name="call_join"),
    path("call/<str:code>/next/", views.call_next, name="call_next"),
    path("call/<str:code>/wrap/<int:target_id>/", views.call_wrap, name="call_wrap"),
    path("me/calls/", views.my_calls, name="my_calls"),
    path("friends/", views.friends, name="friends"),
    path("friends/totals/", views.friend_totals, name="friend_totals"),
    path("friends/<int:friend_id>/", views.friend_update, name="friend"),
    path("friends/<int:friend_id>/match/", views.friend_match, name="friend_match"),
    path("friends/<int:friend_id>/share/", views.friend_share, name="friend_share"),
    path("r/<str:token>/", views.referral_landing, name="referral"),
    path("r/<str:token>/events/<int:event_id>/", views.referral_event, name="referral_event"),
    path("me/referrals/", views.my_referrals, name="my_referrals"),
    path("referrals/", views.referral_totals, name="referral_totals"),
]
