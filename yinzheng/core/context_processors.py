from yinzheng.accounts import policy


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "can_view_audit": policy.can(user, "audit.view"),
        "can_manage_catalogue": policy.can(user, "catalogue.manage"),
    }
