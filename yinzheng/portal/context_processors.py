from yinzheng.accounts import policy


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "can_view_audit": policy.can(user, "audit.view"),
        "can_manage_catalogue": policy.can(user, "catalogue.manage"),
        # Admission, exit and filing applications (REQ-021–030).
        "can_see_applications": policy.can(user, "catalogue.apply")
        or policy.can(user, "catalogue.opinion_township"),
        "can_view_seals": policy.can(user, "seal.view"),
        # Certificate requests (REQ-031–049).
        "can_view_certificates": policy.can(user, "certificate.view"),
        # The Party organisation's queue of transferred Party matters (REQ-043).
        "can_handle_party": policy.can(user, "party.handle"),
        "can_handle_referrals": policy.can(user, "referral.handle"),
        # The departments' verification page and the query log (REQ-111).
        "can_query_certificates": policy.can(user, "esign.verify")
        or policy.can(user, "esign.queries"),
        # The committees' seal-use registers (REQ-069–074).
        "can_view_registers": policy.can(user, "register.view"),
        # Supervision (REQ-087–098): committees see their rectification and checks.
        "can_view_supervision": policy.can(user, "supervision.view_rectification"),
        # The statistics table (REQ-100–102): the bureau, the units that fill it.
        "can_view_stats": policy.can(user, "stats.view"),
        # The dashboard of accumulated figures (REQ-103), committee heads included.
        "can_view_dashboard": policy.can(user, "stats.dashboard"),
    }
