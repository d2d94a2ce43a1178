"""The surveys gettext domain: locales/<language>/LC_MESSAGES/surveys.po (docs/DEVELOPING.md, "Spanish").

Python code of this package translates through `gettext` (context: `gettext(lang, NC_("ctx", "Open"))`), e.g. `gettext(locale_for(request), "...")`.
"""

from __future__ import annotations

from facility.web.i18n import Domain

DOMAIN = Domain("surveys")
gettext = DOMAIN.gettext
T_ = DOMAIN.text  # a message id with parameters, translated when read: T_("...%(x)s", x=1)["es"]
