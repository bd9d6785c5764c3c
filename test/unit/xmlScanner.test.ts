import { strict as assert } from 'node:assert';
import { scanXml } from '../../src/ncsconf/xmlScanner';
import { validateNcsConf } from '../../src/ncsconf/validate';

describe('tolerant XML scanner', () => {
  it('builds the element tree with namespaces, text and offsets', () => {
    const text = '<a xmlns="urn:a"><b x="1">hi &amp; bye</b><p:c xmlns:p="urn:c"/></a>';
    const doc = scanXml(text);
    assert.deepEqual(doc.problems, []);
    const [b, c] = doc.root!.children;
    assert.equal(b!.text, 'hi & bye');
    assert.equal(b!.namespace, 'urn:a');
    assert.equal(text.slice(b!.textOffset, b!.textOffset + 2), 'hi');
    assert.equal(c!.localName, 'c');
    assert.equal(c!.namespace, 'urn:c');
    assert.equal(c!.selfClosing, true);
  });

  it('keeps going after errors and reports each where it is', () => {
    const text = '<a>\n  <b>\n  <c>text</c>\n</a>\n<d/>';
    const doc = scanXml(text);
    const msgs = doc.problems.map((p) => [text.slice(0, p.offset).split('\n').length, p.message]);
    assert.deepEqual(msgs, [
      [2, '<b> is never closed.'],
      [5, 'A second root element <d>: a document has exactly one.'],
    ]);
    assert.equal(doc.root!.children[0]!.children[0]!.name, 'c');
  });

  it('reports an undeclared prefix, an unquoted attribute and a stray end tag', () => {
    const doc = scanXml('<r><x:y/><z a=1/></q></r>');
    assert.deepEqual(
      doc.problems.map((p) => p.message),
      [
        'Namespace prefix x is not declared.',
        'The value of a must be quoted.',
        'End tag </q> has no matching start tag.',
      ],
    );
  });

  it('reads past a byte order mark, and reports a bare & and an unknown entity', () => {
    const bom = scanXml('\uFEFF<?xml version="1.0"?>\n<a>x</a>');
    assert.deepEqual(bom.problems, []);
    assert.equal(bom.root!.text, 'x');

    const text = '<a b="x&y"><c>R&D &amp; &#65;&#x42;</c><d>&nbsp;</d></a>';
    const doc = scanXml(text);
    assert.deepEqual(
      doc.problems.map((p) => [text.slice(p.offset, p.offset + 4), p.message]),
      [
        ['&y">', 'A `&` that starts no entity: write `&amp;` for a literal `&`.'],
        ['&D &', 'A `&` that starts no entity: write `&amp;` for a literal `&`.'],
        [
          '&nbs',
          'Unknown entity &nbsp;: only &lt; &gt; &amp; &quot; &apos; and character references are defined.',
        ],
      ],
    );
    assert.equal(doc.root!.children[0]!.text, 'R&D & AB');
  });
});

describe('ncs.conf checks without a schema', () => {
  it('accepts the right root and namespace', () => {
    const r = validateNcsConf('<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config"/>');
    assert.deepEqual(r.problems, []);
  });
  it('flags a missing namespace and a wrong root', () => {
    assert.match(validateNcsConf('<ncs-config/>').problems[0]!.message, /needs xmlns=/);
    assert.match(validateNcsConf('<config/>').problems[0]!.message, /not <config>/);
  });
});
