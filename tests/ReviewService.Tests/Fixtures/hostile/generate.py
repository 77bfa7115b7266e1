#!/usr/bin/env python3
"""Re-makes the hostile-input corpus and manifest.json in this folder (see ../README.md, "hostile/").

Python 3 standard library only; qpdf (Debian package `qpdf`) makes the three encrypted PDFs.
Run it from anywhere: `python3 generate.py`. The output is deterministic (fixed zip dates, qpdf --static-id).
The 50 MB single-line text is not written here: the tests generate it (manifest entries with "generate").
"""
import gzip
import json
import os
import struct
import subprocess
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
SENTENCE = b'This Agreement shall be governed by the laws of the State of New York.'
ENTRIES = []


def add(name, data, attack, status, detail, send='base64', file_name=None, content_type=None, **extra):
    """One corpus entry: the file and how it is sent, what it attacks, what it must get. Data given as a list of
    [text, times] segments is not written: the tests build it ("generate"), so large repetitive inputs stay out of git."""
    entry = {'name': name, 'file': None, 'send': send, 'attack': attack, 'status': status, 'detail': detail}
    if isinstance(data, list):
        entry['generate'] = data
    elif data is not None:
        ext = {'application/pdf': '.pdf', DOCX: '.docx', 'text/html': '.html'}.get(content_type, '.bin' if send == 'body' else '.txt')
        entry['file'] = name + ext
        with open(os.path.join(HERE, entry['file']), 'wb') as f:
            f.write(data)
    if file_name is not None:
        entry['fileName'] = file_name
    if content_type is not None:
        entry['contentType'] = content_type
    entry.update(extra)
    ENTRIES.append(entry)


# ---------------------------------------------------------------- PDF

def stream(data, extra=b''):
    return b'<< /Length %d %s>>\nstream\n' % (len(data), extra) + data + b'\nendstream'


def pdf(objects, trailer=b'', root=1, size=None):
    """A PDF with a correct xref table for objects [(number, body)]."""
    out = bytearray(b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')
    offsets = {}
    for number, body in objects:
        offsets[number] = len(out)
        out += b'%d 0 obj\n' % number + body + b'\nendobj\n'
    size = size or max(offsets) + 1
    xref = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % size
    for i in range(1, size):
        out += b'%010d 00000 n \n' % offsets[i] if i in offsets else b'0000000000 65535 f \n'
    out += b'trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n' % (size, root, trailer, xref)
    return bytes(out)


FONT = (4, b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>')
TEXT_OPS = b'BT /F1 12 Tf 72 720 Td (' + SENTENCE + b') Tj ET'
PAGE = b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>'


def text_pdf(content=TEXT_OPS, catalog=b'<< /Type /Catalog /Pages 2 0 R >>', pages=b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
             page=PAGE, contents=None, more=(), trailer=b''):
    return pdf([(1, catalog), (2, pages), (3, page), FONT, (5, contents or stream(content)), *more], trailer)


def qpdf_encrypt(source, *args):
    src, out = os.path.join(HERE, '.plain.pdf'), os.path.join(HERE, '.encrypted.pdf')
    with open(src, 'wb') as f:
        f.write(source)
    subprocess.run(['qpdf', '--static-id', '--static-aes-iv', '--allow-weak-crypto', '--encrypt', 'user-pw', 'owner-pw', *args, '--', src, out], check=True)
    data = open(out, 'rb').read()
    os.remove(src)
    os.remove(out)
    return data


def lzw_bomb(repeats):
    """LZW codes (PDF EarlyChange 1): clear, 'A', then 258..4094, each one 'A' longer than the last, then the longest repeated."""
    codes = [256, 65] + list(range(258, 4095)) + [4094] * repeats + [257]
    bits, count, out, next_index, width = 0, 0, bytearray(), 258, 9
    for i, code in enumerate(codes):
        bits, count = (bits << width) | code, count + width
        while count >= 8:
            count -= 8
            out.append((bits >> count) & 0xff)
        bits &= (1 << count) - 1
        if i >= 2 and next_index < 4096:
            next_index += 1
        width = 12 if next_index + 1 >= 2048 else 11 if next_index + 1 >= 1024 else 10 if next_index + 1 >= 512 else 9
    return bytes(out + (bytearray([(bits << (8 - count)) & 0xff]) if count else b''))


def deflate_bomb(size, chunk=b' ' * (1 << 20)):
    z = zlib.compressobj(9)
    out = [z.compress(chunk) for _ in range(size // len(chunk))]
    return b''.join(out) + z.flush()


GOOD_PDF = text_pdf()
PDF = dict(content_type='application/pdf', file_name='hostile.pdf')
corrupt, truncated = 'PDF cannot be read', 'truncated'

add('pdf-empty', b'', 'a zero-byte upload declared application/pdf', 400, 'empty', send='multipart', **PDF)
add('pdf-header-only', b'%PDF-1.7\n', 'only the %PDF header: no objects, no xref, no %%EOF', 422, truncated, **PDF)
add('pdf-header-and-eof', b'%PDF-1.7\n%%EOF\n', 'a header and an %%EOF marker with nothing between', 422, 'PDF', **PDF)
add('pdf-eof-cut', GOOD_PDF[:-8], 'a text PDF whose last bytes (the %%EOF marker) were cut off in transit', 422, truncated, **PDF)
add('pdf-half-then-eof', GOOD_PDF[:len(GOOD_PDF) // 2] + b'\n%%EOF\n', 'the first half of a PDF with %%EOF glued on, hiding the truncation', 422, 'PDF', **PDF)
add('pdf-random-body', b'%PDF-1.4\n' + bytes((i * 131 + 7) % 256 for i in range(4096)) + b'\n%%EOF\n',
    'a %PDF header, 4 KB of pseudo-random bytes and %%EOF', 422, 'PDF', **PDF)
EMPTY_PDF = text_pdf(content=b'')
empty_xref = EMPTY_PDF.split(b'startxref\n')[1].split(b'\n')[0]
add('pdf-xref-past-eof', EMPTY_PDF.replace(b'startxref\n' + empty_xref, b'startxref\n99999999'),
    'startxref points 99 MB past the end of a 1 KB file (the page has no text, so recovery cannot pass it)', 422, 'PDF', **PDF)
add('pdf-xref-garbage', EMPTY_PDF.replace(b'00000 n ', b'zzzzz q '), 'every xref entry is garbage (no text on the page)', 422, 'PDF', **PDF)
prev_loop = text_pdf(content=b'', trailer=b'/Prev 0 ')
prev_xref = int(prev_loop.split(b'startxref\n')[1].split(b'\n')[0])
add('pdf-prev-self', prev_loop.replace(b'/Prev 0 ', b'/Prev %d' % prev_xref), 'the trailer /Prev points at its own xref section (an endless chain)',
    422, 'PDF', **PDF)
add('pdf-prev-loop', prev_loop.replace(b'/Prev 0 ', b'/Prev 9 ') + b'xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Prev %d >>\nstartxref\n%d\n%%%%EOF\n'
    % (prev_xref, len(prev_loop)), 'two xref sections whose /Prev entries point at each other', 422, 'PDF', **PDF)
add('pdf-kids-self', text_pdf(content=b'', pages=b'<< /Type /Pages /Kids [2 0 R] /Count 1 >>'), 'the page tree root lists itself as its only kid', 422, 'PDF', **PDF)
add('pdf-kids-cycle', text_pdf(content=b'', pages=b'<< /Type /Pages /Kids [6 0 R] /Count 1 >>',
                               more=[(6, b'<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>')]),
    'two page-tree nodes that are each other\'s kids', 422, 'PDF', **PDF)
add('pdf-reference-cycle', pdf([(1, b'2 0 R'), (2, b'3 0 R'), (3, b'1 0 R')]), 'the /Root is an indirect reference to a reference to a reference back to itself',
    422, 'PDF', **PDF)
add('pdf-missing-root', pdf([(1, b'<< /Type /Catalog /Pages 2 0 R >>')], root=7), 'the trailer /Root names an object that does not exist', 422, 'PDF', **PDF)
add('pdf-root-not-dictionary', pdf([(1, b'42')]), 'the document catalog is the number 42', 422, 'PDF', **PDF)
add('pdf-length-lie-short', text_pdf(contents=b'<< /Length 3 >>\nstream\n' + TEXT_OPS.replace(b'(', b'<').replace(b')', b'>') + b'\nendstream'),
    'a content stream whose /Length is 3 bytes, far shorter than the data', 422, 'PDF', **PDF)
add('pdf-length-lie-huge', text_pdf(content=b'', contents=b'<< /Length 2147483647 >>\nstream\nq Q\nendstream'),
    'a content stream that claims a /Length of 2 GB', 422, 'PDF', **PDF)
add('pdf-length-self-reference', text_pdf(content=b'', contents=b'<< /Length 6 0 R >>\nstream\nq Q\nendstream', more=[(6, b'6 0 R')]),
    'a stream /Length given by an object that refers to itself', 422, 'PDF', **PDF)
bomb = deflate_bomb(1 << 30)
add('pdf-deflate-bomb', text_pdf(contents=b'<< /Length %d /Filter /FlateDecode >>\nstream\n' % len(bomb) + bomb + b'\nendstream'),
    'a 1 MB page content stream that inflates to 1 GiB of spaces', 413, 'decompress', **PDF)
lzw = lzw_bomb(300_000)
add('pdf-lzw-bomb', text_pdf(contents=b'<< /Length %d /Filter /LZWDecode >>\nstream\n' % len(lzw) + lzw + b'\nendstream'),
    'a 450 KB /LZWDecode content stream that decodes to 1.1 GB', 413, 'decompress', **PDF)
add('pdf-deflate-corrupt', text_pdf(content=b'', contents=stream(b'\x78\x9c' + bytes(range(256)) * 4, b'/Filter /FlateDecode ')),
    'a /FlateDecode content stream holding bytes that are not deflate data', 422, 'PDF', **PDF)
add('pdf-nested-arrays', text_pdf(content=b'', more=[(6, b'[' * 100_000 + b']' * 100_000)]), 'an object of 100,000 nested arrays', 422, 'PDF', **PDF)
add('pdf-nested-dictionaries', text_pdf(content=b'', more=[(6, b'<< /A ' * 50_000 + b'>> ' * 50_000)]), 'an object of 50,000 nested dictionaries', 422, 'PDF', **PDF)
add('pdf-nested-content-arrays', text_pdf(content=b'[' * 100_000 + b']' * 100_000 + b' TJ'), 'a page content stream whose operand is 100,000 nested arrays',
    422, 'PDF', **PDF)
add('pdf-count-billion', text_pdf(content=b'', pages=b'<< /Type /Pages /Kids [3 0 R] /Count 1000000000 >>'),
    'a one-page tree whose /Count claims a billion pages (nothing may be sized by it)', 422, 'PDF', **PDF)
add('pdf-count-negative', text_pdf(content=b'', pages=b'<< /Type /Pages /Kids [3 0 R] /Count -5 >>'), 'a page tree with /Count -5', 422, 'PDF', **PDF)
add('pdf-zero-pages', text_pdf(pages=b'<< /Type /Pages /Kids [] /Count 0 >>'), 'a well-formed PDF with no pages at all', 422, 'text', **PDF)
many = [(1, b'<< /Type /Catalog /Pages 2 0 R >>'), (2, b'<< /Type /Pages /Kids [%s] /Count 5000 >>' % b' '.join(b'%d 0 R' % (10 + i) for i in range(5000))),
        FONT, (5, stream(TEXT_OPS))] + [(10 + i, PAGE) for i in range(5000)]
add('pdf-5000-pages', pdf(many), '5,000 real pages, over the 3,000-page limit', 413, 'pages', **PDF)
add('pdf-encrypted-rc4-40', qpdf_encrypt(GOOD_PDF, '40'), 'encrypted with a user password, 40-bit RC4', 422, 'password', **PDF)
add('pdf-encrypted-rc4-128', qpdf_encrypt(GOOD_PDF, '128', '--use-aes=n'), 'encrypted with a user password, 128-bit RC4', 422, 'password', **PDF)
add('pdf-encrypted-aes-128', qpdf_encrypt(GOOD_PDF, '128', '--use-aes=y'), 'encrypted with a user password, AES-128', 422, 'password', **PDF)
add('pdf-javascript-no-text', text_pdf(content=b'', catalog=b'<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> >>'),
    'an /OpenAction JavaScript action and no text', 422, 'no text layer', **PDF)
add('pdf-launch-action-no-text', text_pdf(content=b'', catalog=b'<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (/etc/passwd) >> >>'),
    'an /OpenAction that launches /etc/passwd, and no text', 422, 'no text layer', **PDF)
add('pdf-embedded-file-no-text', text_pdf(content=b'', catalog=b'<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(c.txt) 6 0 R] >> >> >>',
                                          more=[(6, b'<< /Type /Filespec /F (c.txt) /EF << /F 7 0 R >> >>'), (7, stream(SENTENCE, b'/Type /EmbeddedFile '))]),
    'the contract text only in an embedded file attachment, none on the page', 422, 'no text layer', **PDF)
add('pdf-image-only', text_pdf(content=b'q 100 0 0 100 72 600 cm BI /W 2 /H 2 /BPC 8 /CS /G ID \x00\xff\xff\x00 EI Q'),
    'a page with only an inline image', 422, 'no text layer', **PDF)
add('pdf-declared-docx', GOOD_PDF, 'a good PDF declared as a DOCX (the content type lies)', 415, 'a PDF', content_type=DOCX, file_name='contract.docx')
add('pdf-declared-text', GOOD_PDF, 'a good PDF declared text/plain', 415, 'a PDF', content_type='text/plain', file_name='contract.txt')
add('pdf-octet-stream-docx-name', GOOD_PDF, 'a good PDF sent as application/octet-stream named .docx', 415, 'a PDF',
    content_type='application/octet-stream', file_name='contract.docx')

# ---------------------------------------------------------------- DOCX

CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 b'<Default Extension="xml" ContentType="application/xml"/>'
                 b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                 b'</Types>')
RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        b'</Relationships>')
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def document(body=b'<w:p><w:r><w:t>' + SENTENCE + b'</w:t></w:r></w:p>', prolog=b''):
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + prolog + b'<w:document ' + W + b'><w:body>' + body + b'</w:body></w:document>'


def zip_bytes(entries, method=zipfile.ZIP_DEFLATED):
    """A zip of [(name, bytes)] with fixed dates; names are written as given (no sanitising), duplicates allowed."""
    import io
    import warnings
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # duplicate names are the point of one entry
        with zipfile.ZipFile(buffer, 'w', compression=method) as z:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = method
                z.writestr(info, data)
    return buffer.getvalue()


def docx(doc=None, extra=(), content_types=CONTENT_TYPES, rels=RELS):
    return zip_bytes([('[Content_Types].xml', content_types), ('_rels/.rels', rels), ('word/document.xml', doc or document()), *extra])


def patch_entries(data, flag_bits=0, method=None, uncompressed=None, name=b'word/document.xml'):
    """Rewrites the local and central headers of one entry: general-purpose flags, compression method, uncompressed size."""
    out = bytearray(data)
    for signature, flags_at, method_at, size_at, name_len_at, name_at in ((b'PK\x03\x04', 6, 8, 22, 26, 30), (b'PK\x01\x02', 8, 10, 24, 28, 46)):
        at = out.find(signature)
        while at >= 0:
            length = struct.unpack_from('<H', out, at + name_len_at)[0]
            if out[at + name_at:at + name_at + length] == name:
                struct.pack_into('<H', out, at + flags_at, struct.unpack_from('<H', out, at + flags_at)[0] | flag_bits)
                if method is not None:
                    struct.pack_into('<H', out, at + method_at, method)
                if uncompressed is not None:
                    struct.pack_into('<I', out, at + size_at, uncompressed)
            at = out.find(signature, at + 4)
    return bytes(out)


GOOD_DOCX = docx()
D = dict(content_type=DOCX, file_name='hostile.docx')
invalid_docx = 'not a valid DOCX'

add('docx-zip-bomb-one-part', docx(document(b'<w:p><w:r><w:t>' + b'a' * (200 << 20) + b'</w:t></w:r></w:p>')),
    'a 200 KB DOCX whose document.xml inflates to 200 MiB', 413, 'zip bomb', **D)
add('docx-zip-bomb-many-parts', docx(extra=[('word/media/pad%03d.bin' % i, b'\0' * (1 << 20)) for i in range(150)]),
    '150 parts of 1 MiB of zeros each: small alone, 150 MiB together', 413, 'zip bomb', **D)
add('docx-size-lie-bomb', patch_entries(docx(document(b'<w:p><w:r><w:t>' + b'a' * (300 << 20) + b'</w:t></w:r></w:p>')), uncompressed=2048),
    'document.xml declares 2 KB in the zip directory but inflates to 300 MiB', 422, invalid_docx, **D)
add('docx-path-traversal', docx(extra=[('../../../../tmp/evil.xml', b'<x/>')]), 'an entry named ../../../../tmp/evil.xml (zip slip)', 422, 'unsafe path', **D)
add('docx-absolute-path', docx(extra=[('/etc/cron.d/evil', b'* * * * * root id')]), 'an entry with the absolute name /etc/cron.d/evil', 422, 'unsafe path', **D)
add('docx-backslash-traversal', docx(extra=[('..\\..\\evil.xml', b'<x/>')]), 'an entry named ..\\..\\evil.xml (Windows zip slip)', 422, 'unsafe path', **D)
add('docx-drive-letter-path', docx(extra=[('C:/Windows/evil.xml', b'<x/>')]), 'an entry named C:/Windows/evil.xml', 422, 'unsafe path', **D)
xxe = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
add('docx-xxe-file', docx(document(b'<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>', xxe)),
    'document.xml reads file:///etc/passwd through an external entity', 422, invalid_docx, **D)
add('docx-xxe-content-types', docx(content_types=CONTENT_TYPES.replace(b'<Types', b'<!DOCTYPE Types [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<Types', 1)
                                   .replace(b'</Types>', b'<Default Extension="x&xxe;" ContentType="application/xml"/></Types>')),
    '[Content_Types].xml with an external entity for file:///etc/passwd', 422, invalid_docx, **D)
add('docx-xxe-relationships', docx(rels=RELS.replace(b'<Relationships', b'<!DOCTYPE Relationships [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<Relationships', 1)
                                   .replace(b'Id="rId1"', b'Id="rId&xxe;"')),
    '_rels/.rels with an external entity for file:///etc/passwd', 422, invalid_docx, **D)
add('docx-xxe-remote-dtd', docx(document(prolog=b'<!DOCTYPE w:document SYSTEM "http://127.0.0.1:9/evil.dtd">\n')),
    'document.xml that loads a DTD from the network', 422, invalid_docx, **D)
laughs = b'<!DOCTYPE w:document [<!ENTITY a "lollollollollollollollollollol">' + b''.join(
    b'<!ENTITY %s "%s">' % (bytes([98 + i]), b'&%s;' % bytes([97 + i]) * 10) for i in range(9)) + b']>\n'
add('docx-billion-laughs', docx(document(b'<w:p><w:r><w:t>&j;</w:t></w:r></w:p>', laughs)), 'document.xml with nested entities that expand to 30 GB (billion laughs)',
    422, invalid_docx, **D)
add('docx-no-document-part', zip_bytes([('[Content_Types].xml', CONTENT_TYPES), ('_rels/.rels', RELS)]), 'a package without word/document.xml', 422,
    'word/document.xml', **D)
add('docx-no-content-types', zip_bytes([('_rels/.rels', RELS), ('word/document.xml', document())]), 'a package without [Content_Types].xml', 422, invalid_docx, **D)
add('docx-no-relationships', zip_bytes([('[Content_Types].xml', CONTENT_TYPES), ('word/document.xml', document())]),
    'a package without _rels/.rels, so nothing names the main part', 422, 'no document body', **D)
add('docx-truncated-zip', GOOD_DOCX[:len(GOOD_DOCX) * 2 // 3], 'the first two thirds of a DOCX (no zip directory)', 422, invalid_docx, **D)
add('docx-garbage-document', docx(b'\x00\x01 this is not XML <<<>>> \xff'), 'document.xml holds binary garbage, not XML', 422, invalid_docx, **D)
add('docx-wrong-root-element', docx(b'<?xml version="1.0"?><html><body><p>' + SENTENCE + b'</p></body></html>'),
    'document.xml is well-formed XML but XHTML, not WordprocessingML', 422, 'DOCX', **D)
add('docx-duplicate-entries', docx(extra=[('word/document.xml', document(b'<w:p><w:r><w:t>a second body</w:t></w:r></w:p>'))]),
    'two entries both named word/document.xml', 422, invalid_docx, **D)
add('docx-20000-entries', docx(extra=[('%05d' % i, b'') for i in range(20_000)]), '20,000 empty entries beside the document', 422, 'entries', **D)
add('docx-deep-nesting', docx(document(b'<w:sdt><w:sdtContent>' * 100_000 + b'</w:sdtContent></w:sdt>' * 100_000)),
    'document.xml nested 200,000 elements deep', 422, 'nest', **D)
add('docx-unknown-compression', patch_entries(GOOD_DOCX, method=99), 'document.xml compressed with method 99 (WinZip AES), which no reader here supports',
    422, invalid_docx, **D)
add('docx-external-main-part', docx(rels=RELS.replace(b'Target="word/document.xml"', b'Target="file:///etc/passwd" TargetMode="External"')),
    'the main-document relationship points outside the package at file:///etc/passwd', 422, 'no document body', **D)
add('docx-external-template-no-text', docx(document(b'<w:p/>'), extra=[('word/_rels/document.xml.rels', RELS.replace(
    b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"',
    b'officeDocument/2006/relationships/attachedTemplate" Target="http://127.0.0.1:9/evil.dotm" TargetMode="External"'))]),
    'an attachedTemplate relationship to a remote URL, and no text', 422, 'No text', **D)
cfb = bytearray(b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + b'\0' * 16 + struct.pack('<HHHH', 0x3e, 3, 0xfffe, 9) + b'\0' * 478)
for stream_name in ('Root Entry', 'EncryptionInfo', 'EncryptedPackage'):
    cfb += (stream_name.encode('utf-16-le') + b'\0\0').ljust(64, b'\0') + struct.pack('<H', 2 * len(stream_name) + 2) + b'\0' * 62
add('docx-ole-encrypted', bytes(cfb), 'an OLE compound file (how Word stores a password-protected .docx) declared as DOCX', 415, 'password', **D)
add('docx-declared-pdf', GOOD_DOCX, 'a good DOCX declared application/pdf', 415, 'zip', content_type='application/pdf', file_name='contract.pdf')
add('docx-declared-html', GOOD_DOCX, 'a good DOCX declared text/html', 415, 'zip', content_type='text/html', file_name='contract.html')
add('pdf-zip-polyglot', zip_bytes([('%PDF-1.7 a.txt', SENTENCE)]) + b'\n%%EOF\n', 'a zip whose first entry name holds %PDF-, declared as PDF', 422, 'PDF', **PDF)

# ---------------------------------------------------------------- HTML and text

HTML = dict(content_type='text/html', file_name='hostile.html')
TXT = dict(content_type='text/plain', file_name='hostile.txt')
no_text = 'No text'

add('html-only-scripts', b'<html><head><style>p{}</style></head><body>' + b'<script>document.write("governed by the laws of Mars")</script><style>b{}</style>' * 2000
    + b'<noscript></noscript><template><p>hidden</p></template></body></html>', 'hundreds of scripts and styles and no visible text', 422, no_text, **HTML)
add('html-nested-divs', [['<html><body>', 1], ['<div>', 100_000], ['</div>', 100_000], ['</body></html>', 1]], '100,000 nested <div> elements (the parser is quadratic in them)',
    422, 'nests', **HTML)
add('html-nested-unclosed', [['<html><body>', 1], ['<b><i><span>', 50_000], ['</body></html>', 1]], '150,000 unclosed inline elements (the parser is quadratic in them)', 422, 'nests', **HTML)
add('html-huge-attribute', [['<html><body><div title="', 1], ['A', 8 << 20], ['"></div></body></html>', 1]], 'an 8 MB attribute value and no text', 422, no_text, **HTML)
add('html-svg-iframe-only', b'<html><body><svg><foreignObject><p>hidden</p></foreignObject><script>alert(1)</script></svg>'
    b'<iframe srcdoc="&lt;p&gt;hidden&lt;/p&gt;"></iframe><object data="file:///etc/passwd"></object></body></html>',
    'text only inside svg, iframe srcdoc and object, which are not document text', 422, no_text, **HTML)
add('html-invalid-utf8', b'<html><body><p>caf\xe9 \xff\xfe</p></body></html>', 'Latin-1 bytes that are not UTF-8', 422, 'UTF-8', **HTML)
add('html-nul-bytes', b'<html><body><p>gover\x00ned</p></body></html>', 'NUL bytes inside the markup', 422, 'NUL', **HTML)
add('text-invalid-utf8', b'governed by the laws of \xc0\xaf\xe0\x80\xaf', 'overlong UTF-8 encodings of "/"', 422, 'UTF-8', **TXT)
add('text-utf8-surrogate', b'governed by \xed\xa0\x80 the laws', 'a UTF-16 surrogate encoded in UTF-8 (CESU)', 422, 'UTF-8', **TXT)
add('text-utf16-lone-surrogate', b'\xff\xfe' + 'governed '.encode('utf-16-le') + b'\x00\xd8' + 'laws'.encode('utf-16-le'),
    'UTF-16 with a byte-order mark and an unpaired surrogate', 422, 'UTF-8', **TXT)
add('text-utf32', b'\xff\xfe\x00\x00' + 'governed by the laws'.encode('utf-32-le'), 'UTF-32 text (NUL bytes between the letters)', 422, 'NUL', **TXT)
add('text-nul-bytes', SENTENCE.replace(b' ', b'\x00'), 'NUL bytes instead of spaces', 422, 'NUL', **TXT)
add('text-elf-binary', b'\x7fELF\x02\x01\x01\x00' + b'\x00' * 8 + bytes(range(256)) * 4, 'an ELF executable declared text/plain', 422, 'text', **TXT)
add('text-png-image', b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR' + bytes(range(256)), 'a PNG image declared text/plain', 422, 'UTF-8', **TXT)
add('text-gzip', gzip.compress(SENTENCE * 100, mtime=0), 'gzip data declared text/plain',
    422, 'UTF-8', **TXT)
add('text-zip-declared-text', GOOD_DOCX, 'a zip package declared text/plain', 415, 'zip', **TXT)
add('text-empty-upload', b'', 'a zero-byte file part', 400, 'empty', send='multipart', **TXT)
add('text-whitespace-only', b' \t\r\n' * 5000, 'twenty thousand bytes of white space', 422, no_text, send='multipart', **TXT)
add('text-whitespace-json', b' \t\r\n' * 100, 'white space as the JSON text', 400, 'empty', send='text', **TXT)
add('text-bom-only', b'\xef\xbb\xbf', 'nothing but a UTF-8 byte-order mark', 422, no_text, **TXT)
add('text-50mb-single-line-json', [['a', 50 << 20]], 'a 50 MB single line of text as the JSON "text" (generated by the test, not committed)', 413, 'limit', send='text',
    **TXT)
add('text-50mb-single-line-multipart', [['a', 50 << 20]], 'a 50 MB single-line text file uploaded (generated by the test, not committed)', 413, 'limit', send='multipart',
    **TXT)

# ---------------------------------------------------------------- JSON bodies and HTTP


def body(name, data, attack, status, detail, content_type='application/json', **extra):
    add(name, data, attack, status, detail, send='body', requestContentType=content_type, **extra)


def submission(policy='"contract-review"', document=b'{"fileName": "a.txt", "contentType": "text/plain", "text": "governed by the laws of Ohio"}', more=b''):
    return b'{"policy": %s, "document": %s%s}' % (policy.encode() if isinstance(policy, str) else policy, document, more)


def text_document(value):
    return b'{"fileName": "a.txt", "contentType": "text/plain", "text": "%s"}' % value


malformed = 'not a valid submission'
body('json-nested-arrays', submission(more=b', "metadata": ' + b'[' * 10_000 + b']' * 10_000), '10,000 nested JSON arrays', 400, malformed)
body('json-nested-objects', b'{"a":' * 10_000 + b'1' + b'}' * 10_000, '10,000 nested JSON objects', 400, malformed)
body('json-truncated', submission()[:40], 'JSON cut off in the middle of a string', 400, malformed)
body('json-trailing-garbage', submission() + b' }}} garbage', 'a valid submission followed by garbage', 400, malformed)
body('json-empty-body', b'', 'an empty application/json body', 400, malformed)
body('json-null', b'null', 'the JSON literal null', 400, 'null')
body('json-array-root', b'[' + submission() + b']', 'the submission wrapped in an array', 400, malformed)
body('json-string-root', b'"contract-review"', 'a JSON string instead of an object', 400, malformed)
body('json-policy-number', submission(policy='12345'), 'the policy is a number', 400, malformed)
body('json-document-string', submission(document=b'"governed by the laws of Ohio"'), 'the document is a string, not an object', 400, malformed)
body('json-huge-number', submission(more=b', "externalRef": 1e999999999'), 'an out-of-range number where a string belongs', 400, malformed)
body('json-invalid-base64', submission(document=b'{"fileName": "a.pdf", "contentType": "application/pdf", "contentBase64": "JVBERi0xLjc%%%%!!"}'),
     'contentBase64 that is not base64', 400, 'base64')
body('json-unknown-policy', submission(policy='"no-such-policy"'), 'a policy that does not exist', 400, 'Unknown policy')
body('json-policy-path-traversal', submission(policy='"../../../../etc/passwd"'), 'a policy name that walks out of the rules folder', 400, 'Unknown policy')
body('json-policy-huge', [['{"policy": "', 1], ['p', 1_000_000], ['", "document": {"fileName": "a.txt", "contentType": "text/plain", "text": "x"}}', 1]], 'a 1 MB policy name (it must not be echoed back)', 400, '100 characters')
body('json-file-name-huge', submission(document=b'{"fileName": "%s.txt", "contentType": "text/plain", "text": "x"}' % (b'a' * 100_000)),
     'a 100,000-character file name', 400, '255')
body('json-content-type-huge', submission(document=b'{"fileName": "a.txt", "contentType": "text/plain; %s", "text": "x"}' % (b'x=y; ' * 20_000)),
     'a 100 KB document content type', 400, '200')
body('json-metadata-flood', submission(more=b', "metadata": {%s}' % b', '.join(b'"k%d": "v"' % i for i in range(10_000))), '10,000 metadata entries', 400, '50')
body('json-metadata-huge-value', submission(more=b', "metadata": {"note": "%s"}' % (b'v' * 100_000)), 'a 100 KB metadata value', 400, '1024')
body('json-external-ref-huge', submission(more=b', "externalRef": "%s"' % (b'r' * 10_000)), 'a 10,000-character externalRef', 400, '200')
body('json-lone-surrogate', submission(document=text_document(b'governed \\ud800 by')), 'an escaped unpaired UTF-16 surrogate in the text', 400, malformed)
body('json-escaped-nul', submission(document=text_document(b'governed\\u0000by the laws')), 'an escaped NUL character inside the text', 422, 'NUL')
body('json-invalid-utf8', submission(document=text_document(b'governed \xff\xfe by')), 'raw bytes that are not UTF-8 inside the JSON', 400, malformed)
body('json-utf16-body', submission().decode().encode('utf-16'), 'the JSON body encoded as UTF-16', 400, malformed, content_type='application/json; charset=utf-16')
body('json-gzip-bomb-body', gzip.compress(b' ' * (64 << 20), mtime=0), 'a gzip bomb sent with Content-Encoding: gzip (the service must not inflate it)',
     400, malformed, headers={'Content-Encoding': 'gzip'})
body('json-idempotency-key-huge', submission(), 'a 10 KB Idempotency-Key header', 400, 'Idempotency-Key', headers={'Idempotency-Key': 'k' * 10_000})
body('http-text-xml', b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', 'an XML body with an external entity', 415,
     'application/json', content_type='text/xml')
body('http-no-content-type', submission(), 'a JSON body with no Content-Type header', 415, 'application/json', content_type=None)
body('http-garbage-content-type', submission(), 'a Content-Type that is not a media type', 415, 'application/json', content_type='}{;;=;')
body('http-form-urlencoded', b'policy=contract-review&document=governed+by+the+laws+of+Ohio', 'an HTML form post, not multipart', 415, 'multipart/form-data',
     content_type='application/x-www-form-urlencoded')
body('http-form-urlencoded-flood', b'&'.join(b'k%d=v' % i for i in range(10_000)), '10,000 form fields', 415, 'multipart/form-data', content_type='application/x-www-form-urlencoded')

CRLF = b'\r\n'


def part(name, data, file_name=None, content_type=None, headers=b''):
    disposition = b'form-data; name="%s"' % name + (b'; filename="%s"' % file_name if file_name is not None else b'')
    return b'--B' + CRLF + b'Content-Disposition: ' + disposition + CRLF + (b'Content-Type: ' + content_type + CRLF if content_type else b'') + headers + CRLF + data + CRLF


POLICY = part(b'policy', b'contract-review')
FILE = part(b'file', SENTENCE, b'a.txt', b'text/plain')
END = b'--B--' + CRLF
multipart = 'multipart/form-data; boundary=B'
body('multipart-no-boundary', POLICY + FILE + END, 'multipart/form-data with no boundary parameter', 400, 'boundary', content_type='multipart/form-data')
body('multipart-boundary-too-long', (POLICY + FILE + END).replace(b'--B', b'--' + b'B' * 200), 'a 200-character boundary (RFC 2046 allows 70)', 400, 'boundary',
     content_type='multipart/form-data; boundary=' + 'B' * 200)
body('multipart-huge-part-headers', POLICY + part(b'file', SENTENCE, b'a.txt', b'text/plain', b'X-Padding: ' + b'p' * 20_000 + CRLF) + END,
     'a file part with 20 KB of headers (the limit is 16 KB)', 400, 'header', content_type=multipart)
body('multipart-10000-parts', POLICY + b''.join(part(b'metadata.k%d' % i, b'v') for i in range(10_000)) + FILE + END, '10,000 form parts', 400, 'limit',
     content_type=multipart)
body('multipart-unterminated', POLICY + FILE[:-40], 'a multipart body cut off inside the file part (no closing boundary)', 400, 'multipart', content_type=multipart)
body('multipart-empty-body', b'', 'an empty body declared multipart/form-data', 400, "'file'", content_type=multipart)
body('multipart-no-disposition', POLICY + b'--B' + CRLF + b'Content-Type: text/plain' + CRLF + CRLF + SENTENCE + CRLF + END,
     'a part with no Content-Disposition header', 400, 'multipart', content_type=multipart)
body('multipart-empty-file-name', POLICY + part(b'file', SENTENCE, b'', b'text/plain') + END, 'the file part has filename=""', 400, "'file'", content_type=multipart)
body('multipart-file-without-type', POLICY + part(b'file', SENTENCE, b'a.txt') + END, 'the file part has no Content-Type', 400, 'content type', content_type=multipart)
body('multipart-huge-field', [[part(b'policy', b'').decode()[:-2], 1], ['p', 5 << 20], [(CRLF + FILE + END).decode(), 1]], 'a 5 MB policy field (it must not be echoed back)', 400, '100 characters', content_type=multipart)
body('multipart-traversal-binary', POLICY + part(b'file', b'\x7fELF\x02\x01\x01\x00' + b'\x00' * 64, b'../../../../usr/bin/evil', b'text/plain') + END,
     'a binary file part named ../../../../usr/bin/evil', 422, 'text', content_type=multipart)
add('multipart-pdf-declared-docx', GOOD_PDF, 'a PDF uploaded as a DOCX file part (the part content type lies)', 415, 'a PDF', send='multipart',
    content_type=DOCX, file_name='contract.docx')

with open(os.path.join(HERE, 'manifest.json'), 'w', encoding='utf-8') as f:
    json.dump({'about': 'Hostile inputs for POST /v1/reviews; see ../README.md (hostile/) and generate.py.', 'entries': ENTRIES}, f, indent=1)
    f.write('\n')
print(len(ENTRIES), 'entries')
