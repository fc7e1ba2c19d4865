import { escapeHtml, html } from '../../../src/pages/html';

describe('html builder', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const hostile = `"><script>alert('x')</script>&`;
    expect(html`<p title="${hostile}">${hostile}</p>`.markup).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>',
    );
  });

  it('inserts built fragments as markup, arrays in order, and nothing for false, null or undefined', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
    // prettier-ignore
    const list = html`<ul>${items}${false}${null}${undefined}</ul>`;
    expect(list.markup).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
    expect(html`<td>${993}</td>`.markup).toBe('<td>993</td>');
  });

  it('escapes the five characters that matter in HTML', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});

describe('html builder layout', () => {
  it('drops template indentation but never whitespace inside values', () => {
    const value = 'a\n    b';
    // prettier-ignore
    const built = html`<div>
        <p>${value}</p>
      </div>`;
    expect(built.markup).toBe('<div>\n<p>a\n    b</p>\n</div>');
  });
});
