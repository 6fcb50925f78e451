import SQLite from 'better-sqlite3';
const db = new SQLite(':memory:');
console.log(db.prepare('select sqlite_version() v').get());
db.exec(`create table c (id text primary key, ws text, priority int, opened_at int, last int, other int);
create index c_q on c (ws, coalesce(priority, 9), opened_at, id);`);
const ops = (q: string) => (db.prepare('explain ' + q).all() as any[]).filter((r) => r.opcode === 'IdxInsert' || r.opcode === 'IdxDelete' || r.opcode==='Insert').map((r) => r.opcode + ':' + r.p1).join(' ');
console.log('update last:', ops('update c set last = 1 where id = 5'));
console.log('update priority:', ops('update c set priority = 1 where id = 5'));
console.log('update from cte:', ops("with v(id, last) as (values ('a', 1)) update c set last = v.last from v where c.id = v.id"));
