"""The household API (/api/household...) and pages (/household/...)."""

from django.urls import path, re_path

from shopping.api import household as api
from shopping.views import household as views

# Invitation and member IDs: a database ID, nothing longer (it 404s at the router).
ID = r"(?P<id>[0-9]{1,18})"

urlpatterns = [
    path("api/household", api.HouseholdView.as_view(), name="api-household"),
    path("api/household/invites", api.InviteListView.as_view(), name="api-household-invites"),
    re_path(rf"^api/household/invites/{ID}$", api.InviteDetailView.as_view(), name="api-household-invite"),
    path("api/household/join", api.JoinView.as_view(), name="api-household-join"),
    path("api/household/leave", api.LeaveView.as_view(), name="api-household-leave"),
    re_path(rf"^api/household/members/{ID}$", api.MemberView.as_view(), name="api-household-member"),
    path("household/", views.household, name="household-page"),
    path("household/rename", views.rename, name="household-rename"),
    path("household/invites", views.invite, name="household-invite"),
    path("household/invites/<int:pk>/revoke", views.revoke_invite, name="household-invite-revoke"),
    path("household/members/<int:user_id>/remove", views.remove_member, name="household-member-remove"),
    path("household/leave", views.leave, name="household-leave"),
    path("household/join/<str:token>", views.join, name="household-join"),
]
