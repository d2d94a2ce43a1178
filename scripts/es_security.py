"""Spanish for the security pages (issue 17): lock-outs, alerts, two-step login (MFA), break-glass access.
`python scripts/write_po.py security` turns it into locales/es/LC_MESSAGES/security.po."""

ES = {
    ("%(num)d recovery code left.", "%(num)d recovery codes left."): (
        "Queda %(num)d código de recuperación.", "Quedan %(num)d códigos de recuperación."),
    "Type the emergency that needs this resident's record.": "Escriba la emergencia que requiere el expediente de este residente.",
    "6-digit code": "Código de 6 dígitos",
    "Acknowledge": "Marcar como visto",
    "Add this key to the app (or open the link on the phone), then enter the 6-digit code it shows.":
        "Agregue esta clave a la aplicación (o abra el enlace en el teléfono) y escriba el código de 6 dígitos que muestra.",
    "Alert": "Alerta",
    "Birth date": "Fecha de nacimiento",
    "Code from your authenticator app, or a recovery code": "Código de su aplicación de autenticación, o un código de recuperación",
    "Continue": "Continuar",
    "Details": "Detalles",
    "Emergency (break-glass) access": "Acceso de emergencia",
    "Emergency access to review": "Accesos de emergencia por revisar",
    "Emergency access until %(when)s": "Acceso de emergencia hasta %(when)s",
    "Emergency access": "Acceso de emergencia",
    "Find": "Buscar",
    "Key": "Clave",
    "Lock-outs in a row": "Bloqueos seguidos",
    "Locked logins": "Inicios de sesión bloqueados",
    "Locked until": "Bloqueado hasta",
    "Login locked": "Inicio de sesión bloqueado",
    "Login unlocked.": "Inicio de sesión desbloqueado.",
    "No login is locked now.": "Ningún inicio de sesión está bloqueado ahora.",
    "No open alert.": "No hay alertas abiertas.",
    "No resident matches both the Medicare number and the last name.":
        "Ningún residente coincide a la vez con el número de Medicare y el apellido.",
    "Nothing waits for review.": "No hay nada pendiente de revisión.",
    "Open the record of a resident of another facility in an emergency. Every access is recorded and reviewed by an administrator.":
        "Abra el expediente de un residente de otro centro en una emergencia. Cada acceso queda registrado y lo revisa un administrador.",
    "Open the record": "Abrir el expediente",
    "Reason": "Motivo",
    "Record review": "Registrar la revisión",
    "Recovery codes": "Códigos de recuperación",
    "Review note": "Nota de revisión",
    "Review recorded.": "Revisión registrada.",
    "Second step": "Segundo paso",
    "Security alerts": "Alertas de seguridad",
    "Security": "Seguridad",
    "Set up two-step login": "Configurar el inicio de sesión en dos pasos",
    "That access is not waiting for your review.": "Ese acceso no está pendiente de su revisión.",
    "This resident belongs to a facility you do not work in. Type the emergency that needs the record: access lasts a few hours, is recorded, and an administrator reviews it.":
        "Este residente pertenece a un centro en el que usted no trabaja. Escriba la emergencia que requiere el expediente: "
        "el acceso dura unas horas, queda registrado y lo revisa un administrador.",
    "Turn on two-step login": "Activar el inicio de sesión en dos pasos",
    "Two-step login is on. Keep these codes somewhere safe: each one logs you in once if you lose your phone. They are shown only now.":
        "El inicio de sesión en dos pasos está activado. Guarde estos códigos en un lugar seguro: cada uno le permite "
        "entrar una vez si pierde el teléfono. Solo se muestran ahora.",
    "Two-step login is on.": "El inicio de sesión en dos pasos está activado.",
    "Two-step login": "Inicio de sesión en dos pasos",
    "Unlock": "Desbloquear",
    "Write what the review found.": "Escriba lo que encontró la revisión.",
    "Your role signs records or administers the system, so logging in takes a code from an authenticator app as well as your password.":
        "Su función firma registros o administra el sistema, así que para entrar necesita un código de una aplicación "
        "de autenticación además de su contraseña.",
    "That code is not valid. Enter the current code from your app or a recovery code.":
        "Ese código no es válido. Escriba el código actual de su aplicación o un código de recuperación.",
}
