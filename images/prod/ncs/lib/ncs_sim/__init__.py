"""The simulated NSO 6.4.1 of the production simulator image.

Test equipment: it answers the same commands, with the same output grammar and
exit codes, as the NSO tools in Cisco's cisco-nso-prod image, so the product
cannot tell the two apart. Nothing here is Cisco code.
"""

NCS_VERSION = '6.4.1'
IPC_DEFAULT_ADDR = '127.0.0.1'
IPC_DEFAULT_PORT = 4569
