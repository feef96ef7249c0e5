"""The portal's one way to send email (decisions 14 to 17).

Every app sends with `pcc_portal.mail.services.send_email`; the row it writes is the
`OutboundMessage` model in `pcc_portal/models.py`, delivered by `pcc_portal.tasks.deliver_message`.
"""
