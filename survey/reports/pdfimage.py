"""A PNG placed in a PDF as it is, without decoding it.

A PDF reads a PNG's compressed pixels (its IDAT chunks) unchanged: the Flate filter with the PNG
predictors undoes the same row filters, and an indexed colour space holds the palette.
reportlab's own image path instead decodes the PNG, expands the palette to RGB (three times the
bytes), hashes that and compresses it again; for the radar chart that was about 10 ms, a fifth of
a report. The pixels in the PDF are the same either way. A PNG the PDF cannot take as it is
(interlaced, with transparency, 16 bits a channel) goes through reportlab's path.
"""
from __future__ import annotations

import hashlib
import io
import struct
from dataclasses import dataclass

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObject, PDFStream
from reportlab.platypus import Flowable
from reportlab.platypus import Image as ReportlabImage

SIGNATURE = b"\x89PNG\r\n\x1a\n"
GREY, RGB, PALETTE = 0, 2, 3  # PNG colour types
CHANNELS = {GREY: 1, RGB: 3, PALETTE: 1}


@dataclass(frozen=True)
class Png:
    """What the PDF needs of a PNG: its size, its pixel format, the palette and the compressed pixels."""

    width: int
    height: int
    bits: int
    colour_type: int
    palette: bytes
    data: bytes


def parse(data: bytes) -> Png | None:
    """The PNG's parts, or None when a PDF cannot show its compressed pixels as they are."""
    if not data.startswith(SIGNATURE):
        return None
    header, palette, pixels, at = None, b"", [], len(SIGNATURE)
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        at += 12 + length  # length, type, body, CRC
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            pixels.append(body)
        elif kind == b"tRNS":
            return None  # transparency would need a soft mask
        elif kind == b"IEND":
            break
    if header is None:
        return None
    width, height, bits, colour_type, compression, row_filter, interlace = header
    if (colour_type not in CHANNELS or compression or row_filter or interlace or bits > 8
            or (colour_type == RGB and bits != 8) or (colour_type == PALETTE and not palette)):
        return None
    return Png(width, height, bits, colour_type, palette, b"".join(pixels))


class _ImageXObject(PDFObject):
    """The image as a PDF object: the PNG's own Flate stream, with the parameters that decode it."""

    def __init__(self, png: Png):
        self.png = png

    def format(self, document) -> bytes:
        png = self.png
        stream = PDFStream(content=png.data)
        entries = stream.dictionary
        entries["Type"] = PDFName("XObject")
        entries["Subtype"] = PDFName("Image")
        entries["Width"], entries["Height"] = png.width, png.height
        entries["BitsPerComponent"] = png.bits
        if png.colour_type == PALETTE:
            palette = b"<" + png.palette.hex().encode("ascii") + b">"
            entries["ColorSpace"] = PDFArray([PDFName("Indexed"), PDFName("DeviceRGB"), len(png.palette) // 3 - 1,
                                              palette])
        else:
            entries["ColorSpace"] = PDFName("DeviceGray" if png.colour_type == GREY else "DeviceRGB")
        entries["Filter"] = PDFArray([PDFName("FlateDecode")])  # set here, so the stream is not compressed again
        # One set of parameters for each filter of the array: some readers ignore a lone dictionary.
        entries["DecodeParms"] = PDFArray([PDFDictionary({"Predictor": 15, "Colors": CHANNELS[png.colour_type],
                                                          "BitsPerComponent": png.bits, "Columns": png.width})])
        return stream.format(document)


class PngImage(Flowable):
    """A PNG drawn at ``width`` × ``height`` points, centred like reportlab's own image flowable."""

    def __init__(self, png: Png, width: float, height: float):
        super().__init__()
        self.png, self.drawWidth, self.drawHeight = png, width, height
        self.hAlign = "CENTER"

    def wrap(self, available_width, available_height):
        return self.drawWidth, self.drawHeight

    def draw(self):
        # The registration canvas.drawImage does for its own image objects, with this object instead.
        canvas = self.canv
        name = hashlib.md5(self.png.data, usedforsecurity=False).hexdigest()
        reference = canvas._doc.getXObjectName(name)
        if canvas._doc.idToObject.get(reference) is None:
            xobject = _ImageXObject(self.png)
            canvas._doc.Reference(xobject, reference)
            canvas._doc.addForm(name, xobject)
        canvas.saveState()
        canvas.scale(self.drawWidth, self.drawHeight)
        canvas._code.append(f"/{reference} Do")
        canvas.restoreState()
        canvas._formsinuse.append(name)
        canvas._currentPageHasImages = 1


def image(data: bytes, width: float) -> Flowable:
    """The PNG ``data`` as a flowable ``width`` points wide, its proportions kept."""
    png = parse(data)
    if png is None:
        fallback = ReportlabImage(io.BytesIO(data))
        fallback.drawWidth, fallback.drawHeight = width, width * fallback.imageHeight / fallback.imageWidth
        return fallback
    return PngImage(png, width, width * png.height / png.width)
