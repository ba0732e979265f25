"""pyemail.py FILE...: reads each message with Python's email package
(policy.default) and prints, one JSON line each, what TestPythonEmail
compares: the decoded Subject, the first From's display name and
addr-spec, the file names of the attachments (every part that is not a
multipart and not the text or HTML body get_body chooses) and the text
body (get_body's text/plain, decoded)."""
import email, json, sys
from email import policy

def leaves(part):
    """The parts that are not multiparts; a multipart that Python could not
    split (no boundary, or one that never comes) has none."""
    if part.get_content_maintype() != 'multipart':
        yield part
    elif part.is_multipart():
        for p in part.iter_parts():
            yield from leaves(p)

def name_of(part):
    for field, param in (('content-disposition', 'filename'), ('content-type', 'name')):
        h = part[field]
        v = getattr(h, 'params', {}).get(param) if h is not None else None
        if v:
            return str(v)
    return ''

def read(path):
    with open(path, 'rb') as f:
        m = email.message_from_binary_file(f, policy=policy.default)
    out = {'file': path.rsplit('/', 1)[-1]}
    s = m['subject']
    out['subject'] = None if s is None else str(s)
    out['from_name'], out['from_addr'] = '', ''
    try:
        f = m['from']
        if f is not None and f.addresses:
            out['from_name'], out['from_addr'] = f.addresses[0].display_name, f.addresses[0].addr_spec
    except Exception:
        pass
    bodies = [m.get_body(('plain',)), m.get_body(('html',))]
    out['atts'] = [name_of(p) for p in leaves(m) if not any(p is b for b in bodies)]
    t = bodies[0]
    try:
        out['text'] = None if t is None else t.get_content()
    except Exception as e:
        out['text'] = 'ERROR ' + repr(e)
    return out

for p in sys.argv[1:]:
    print(json.dumps(read(p)))
