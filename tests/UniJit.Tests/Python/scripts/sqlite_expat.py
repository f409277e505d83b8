# _sqlite3, pyexpat, xml.etree
import sqlite3, xml.etree.ElementTree as ET, pyexpat, os, tempfile
con = sqlite3.connect(':memory:')
con.execute('create table t (id integer primary key, name text, v real, b blob)')
con.executemany('insert into t (name, v, b) values (?, ?, ?)', [(f'n{i}', i / 7, bytes([i % 256]) * 3) for i in range(500)])
print(con.execute('select count(*), sum(v), avg(v), max(name), group_concat(id % 10, "") from t where id % 3 = 0').fetchone())
print(con.execute("select name, printf('%.5f', v), hex(b) from t order by v desc limit 3").fetchall())
con.create_function('twice', 1, lambda x: x * 2)
con.create_aggregate('cat', 1, type('Cat', (), {'__init__': lambda s: setattr(s, 'l', []), 'step': lambda s, x: s.l.append(str(x)), 'finalize': lambda s: '|'.join(s.l)}))
print(con.execute('select twice(21), twice("ab"), cat(id) from t where id < 6').fetchone())
try:
    con.execute('select * from nope')
except sqlite3.OperationalError as e:
    print('OperationalError', e)
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, 'x.db')
    c2 = sqlite3.connect(path)
    c2.execute('pragma journal_mode=wal')
    c2.execute('create table k(a)'); c2.executemany('insert into k values (?)', [(i,) for i in range(1000)]); c2.commit()
    c2.execute('create index ki on k(a)'); c2.commit(); c2.close()
    c3 = sqlite3.connect(path); print(c3.execute('select sum(a), count(*) from k').fetchone(), sqlite3.sqlite_version_info >= (3, 0)); c3.close()
doc = '<?xml version="1.0" encoding="utf-8"?><root a="1"><item id="x">t\u00e9xt</item><!-- c --><item id="y"><sub>&amp;&lt;</sub></item></root>'
root = ET.fromstring(doc)
print(root.tag, root.attrib, [(e.tag, e.attrib, e.text) for e in root.iter()], ET.tostring(root, encoding='unicode'))
events = []
p = pyexpat.ParserCreate()
p.StartElementHandler = lambda n, a: events.append(('start', n, sorted(a.items())))
p.EndElementHandler = lambda n: events.append(('end', n))
p.CharacterDataHandler = lambda d: events.append(('data', d))
p.Parse(doc.encode(), True)
print(events)
try:
    ET.fromstring('<a><b></a>')
except ET.ParseError as e:
    print('ParseError', e)
