/** A small strict XML parser for tests: elements, attributes, text and the five entities; throws on anything malformed. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);|&/gi, (m, e: string | undefined) => {
    if (!e) throw new Error(`unescaped & in ${JSON.stringify(s.slice(0, 60))}`);
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    if (!(e in ENTITIES)) throw new Error(`unknown entity ${m}`);
    return ENTITIES[e]!;
  });

export function parseXml(src: string): XmlElement {
  let i = 0;
  const fail = (msg: string): never => {
    throw new Error(`XML error at ${i}: ${msg}`);
  };
  const skipMisc = () => {
    for (;;) {
      while (/\s/.test(src[i] ?? '')) i++;
      if (src.startsWith('<?', i)) i = src.indexOf('?>', i) + 2 || fail('unterminated declaration');
      else if (src.startsWith('<!--', i)) i = src.indexOf('-->', i) + 3 || fail('unterminated comment');
      else return;
    }
  };
  const element = (): XmlElement => {
    const m = /^<([A-Za-z_][\w.-]*)/.exec(src.slice(i)) ?? fail('expected an element');
    const el: XmlElement = { name: m[1]!, attrs: {}, children: [], text: '' };
    i += m[0].length;
    for (;;) {
      while (/\s/.test(src[i] ?? '')) i++;
      if (src.startsWith('/>', i)) return ((i += 2), el);
      if (src[i] === '>') break;
      const a = /^([A-Za-z_][\w.:-]*)\s*=\s*"([^"<]*)"/.exec(src.slice(i)) ?? fail(`bad attribute in <${el.name}>`);
      if (a[1]! in el.attrs) fail(`duplicate attribute ${a[1]}`);
      el.attrs[a[1]!] = decode(a[2]!);
      i += a[0].length;
    }
    i++;
    for (;;) {
      const lt = src.indexOf('<', i);
      if (lt < 0) fail(`unclosed <${el.name}>`);
      el.text += decode(src.slice(i, lt));
      i = lt;
      if (src.startsWith(`</${el.name}>`, i)) return ((i += el.name.length + 3), el);
      if (src.startsWith('</', i)) fail(`mismatched closing tag inside <${el.name}>`);
      if (src.startsWith('<!--', i)) i = src.indexOf('-->', i) + 3;
      else el.children.push(element());
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== src.length) fail('content after the root element');
  return root;
}
