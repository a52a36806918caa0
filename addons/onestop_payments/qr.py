# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.
"QR code images of a payload: PNG for reports, SVG for the portal"
from io import BytesIO

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

__all__ = ['png', 'svg', 'BLANK']

# a white pixel: what a report shows where there is no code to print
BLANK = bytes.fromhex(
    '89504e470d0a1a0a0000000d4948445200000001000000010100000000376ef9'
    '240000000a49444154789c636800000082008177cd72b60000000049454e44ae'
    '426082')


def _code(payload):
    # error correction M: banking apps read it from a printed slip folded
    # or smudged; 4 modules of quiet zone as ISO/IEC 18004 requires
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4,
        box_size=8)
    code.add_data(payload)
    code.make(fit=True)
    return code


def png(payload, box_size=8):
    "Return the PNG bytes of the QR code of payload"
    code = _code(payload)
    code.box_size = box_size
    buffer = BytesIO()
    code.make_image().save(buffer, format='PNG')
    return buffer.getvalue()


def svg(payload):
    "Return the SVG text of the QR code of payload"
    buffer = BytesIO()
    _code(payload).make_image(
        image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue().decode('utf-8')
