from rest_framework.permissions import BasePermission, DjangoModelPermissions


class RolePermissions(DjangoModelPermissions):
    """The API asks the same permissions as the admin: reading needs the model's view permission."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class RulePermissions(BasePermission):
    """Asks the rules a viewset names, the same ones its pages and the admin ask.

    `view_rules` maps an action to the rule asked of the person for the whole request (list,
    create); `object_rules` maps an action to the rule asked of the person and the record
    (retrieve, update). An action a viewset does not name is left to the other permission
    classes, which is why this one is used beside RolePermissions, never alone.
    """

    def has_permission(self, request, view) -> bool:
        rule = getattr(view, "view_rules", {}).get(getattr(view, "action", None))
        return rule is None or request.user.has_perm(rule)

    def has_object_permission(self, request, view, obj) -> bool:
        rule = getattr(view, "object_rules", {}).get(getattr(view, "action", None))
        return rule is None or request.user.has_perm(rule, obj)
