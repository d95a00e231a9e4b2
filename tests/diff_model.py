#!/usr/bin/env python3
"""Debugging aid: reads Criterion output of the catalog oracle and prints only what differs."""
import json, re, sys
raw = re.sub(r'^\[----\] ?', '', open(sys.argv[1]).read(), flags=re.M)
dec = json.JSONDecoder()
for m in re.finditer(r'(\S+): the model differs from pg_catalog\.', raw):
    i = raw.index('--- blogdb-gen:', m.end()) + len('--- blogdb-gen:')
    a, end = dec.raw_decode(raw, raw.index('{', i))
    j = raw.index('--- pg_catalog:', end) + len('--- pg_catalog:')
    b, _ = dec.raw_decode(raw, raw.index('{', j))
    print('==', m.group(1))
    if a['enums'] != b['enums']:
        print('  enums', a['enums'], '\n  vs   ', b['enums'])
    na, nb = [r['name'] for r in a['relations']], [r['name'] for r in b['relations']]
    if na != nb:
        print('  relations', na, '\n  vs       ', nb)
    for ra, rb in zip(a['relations'], b['relations']):
        for k in ra:
            if ra[k] == rb.get(k):
                continue
            if k == 'columns':
                for ca, cb in zip(ra[k], rb[k]):
                    if ca != cb:
                        print('  %s: %s\n  %s  vs %s' % (ra['name'], ca, ' ' * len(ra['name']), cb))
                if len(ra[k]) != len(rb[k]):
                    print('  %s: %d vs %d columns' % (ra['name'], len(ra[k]), len(rb[k])))
            else:
                print('  %s.%s: %s\n    vs %s' % (ra['name'], k, ra[k], rb.get(k)))
