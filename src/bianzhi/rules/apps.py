from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "bianzhi.rules"
    # "rules" is a common third-party app label (django-rules); ours is explicit.
    label = "policy_rules"
    verbose_name = "政策规则"

    def ready(self) -> None:
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="规则检查", url_name="policy_rules:findings", order=60, section="督导与评估"))
        # institutions and roster sit below rules and check their writes through
        # this hook instead of importing rules (docs/architecture.md, "Hooks").
        from bianzhi.kernel.hooks import rule_guard_register
        from bianzhi.rules.guard import DatabaseRuleGuard

        rule_guard_register(DatabaseRuleGuard())
