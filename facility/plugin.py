"""The facility package's plugin: the shell's own pages (sign-in, residents, administration, utilization review),
its commands and demo data. Listed by facility/app.py; see docs/DEVELOPING.md, "Plugin contract"."""

from __future__ import annotations

from pathlib import Path

from facility.admin import security_controllers, users_controllers
from facility.auth.controllers import AuthController
from facility.core import commands
from facility.core.plugins import Plugin
from facility.residents import controllers as residents
from facility.utilization import controllers as utilization
from facility.utilization import demo as utilization_demo
from facility.utilization import hooks as utilization_hooks
from facility.utilization import review_controllers as utilization_review

PLUGIN = Plugin(
    name="facility",
    route_handlers=[
        AuthController,
        *security_controllers.ROUTE_HANDLERS,
        *users_controllers.ROUTE_HANDLERS,
        *residents.ROUTE_HANDLERS,
        *utilization.ROUTE_HANDLERS,
        *utilization_review.ROUTE_HANDLERS,
    ],
    nav=[*security_controllers.NAV, *utilization.NAV, *utilization_review.NAV],
    resident_tabs={**utilization.RESIDENT_TABS},
    commands=[commands.register],
    demo=[utilization_demo.extend_demo],
    template_dirs=[Path(__file__).parent / "templates"],
    declares=[*utilization_hooks.HOOKS],
)
