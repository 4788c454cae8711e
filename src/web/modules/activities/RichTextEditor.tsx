import { useEffect, useId, useRef, type KeyboardEvent } from 'react';

/** Lists, links and paragraphs inside stored HTML, which the CSS reset leaves unstyled. */
export const richTextClass =
  '[overflow-wrap:anywhere] [&_a]:text-teal-800 [&_a]:underline [&_blockquote]:border-l-2 [&_blockquote]:border-stone-300 [&_blockquote]:pl-3 [&_h1]:font-semibold [&_h2]:font-semibold [&_h3]:font-semibold [&_ol]:list-decimal [&_ol]:pl-5 [&_p]:my-1 [&_pre]:whitespace-pre-wrap [&_ul]:list-disc [&_ul]:pl-5';

/**
 * A small rich-text field for notes: bold, italic, lists and links over a contentEditable
 * region. What it produces is untrusted — the server sanitises it to an allowlist before
 * storing — so this only has to be pleasant, not safe.
 */
export function RichTextEditor({
  label,
  value,
  onChange,
  error,
  placeholder,
  autoFocus,
}: {
  label: string;
  /** Initial HTML; later changes from outside reset the content (after a save). */
  value: string;
  onChange: (html: string) => void;
  error?: string | undefined;
  placeholder?: string;
  autoFocus?: boolean;
}) {
  const id = useId();
  const ref = useRef<HTMLDivElement>(null);
  const lastEmitted = useRef(value);

  useEffect(() => {
    const el = ref.current;
    if (el && value !== lastEmitted.current) {
      el.innerHTML = value;
      lastEmitted.current = value;
    }
  }, [value]);

  useEffect(() => {
    if (ref.current && !ref.current.innerHTML && value) ref.current.innerHTML = value;
    if (autoFocus) ref.current?.focus();
    // Only on mount: the content is the element's own after that.
  }, []);

  const emit = () => {
    const html = ref.current?.innerHTML ?? '';
    const empty = !ref.current?.textContent?.trim() && !/<(li|hr)\b/i.test(html);
    lastEmitted.current = empty ? '' : html;
    onChange(lastEmitted.current);
  };

  const command = (name: string, arg?: string) => {
    ref.current?.focus();
    // execCommand is deprecated but still the one cross-browser way to edit a contentEditable selection.
    document.execCommand(name, false, arg);
    emit();
  };

  const addLink = () => {
    const url = window.prompt('Link address (https://…)', 'https://');
    if (!url || url === 'https://') return;
    if (!/^(https?:|mailto:|tel:)/i.test(url.trim())) {
      window.alert('Use a web address starting with https://, or mailto: or tel:.');
      return;
    }
    command('createLink', url.trim());
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!(event.ctrlKey || event.metaKey)) return;
    const key = event.key.toLowerCase();
    if (key === 'b' || key === 'i') {
      event.preventDefault();
      command(key === 'b' ? 'bold' : 'italic');
    } else if (key === 'k') {
      event.preventDefault();
      addLink();
    }
  };

  const tool = 'rounded px-2 py-1 text-sm text-stone-700 hover:bg-stone-200 focus-visible:outline-2 focus-visible:outline-teal-700';
  return (
    <div>
      <p id={`${id}-label`} className="mb-1 block text-sm font-medium text-stone-800" onClick={() => ref.current?.focus()}>
        {label}
      </p>
      <div className={`rounded-md border bg-white ${error ? 'border-red-500' : 'border-stone-300'}`}>
        <div role="toolbar" aria-label={`${label} formatting`} aria-controls={id} className="flex flex-wrap gap-1 border-b border-stone-200 bg-stone-50 px-1 py-1">
          <button type="button" className={`${tool} font-bold`} onMouseDown={(e) => e.preventDefault()} onClick={() => command('bold')} aria-label="Bold (Ctrl+B)" title="Bold (Ctrl+B)">
            B
          </button>
          <button type="button" className={`${tool} italic`} onMouseDown={(e) => e.preventDefault()} onClick={() => command('italic')} aria-label="Italic (Ctrl+I)" title="Italic (Ctrl+I)">
            I
          </button>
          <button type="button" className={tool} onMouseDown={(e) => e.preventDefault()} onClick={() => command('insertUnorderedList')} aria-label="Bulleted list" title="Bulleted list">
            • List
          </button>
          <button type="button" className={tool} onMouseDown={(e) => e.preventDefault()} onClick={() => command('insertOrderedList')} aria-label="Numbered list" title="Numbered list">
            1. List
          </button>
          <button type="button" className={`${tool} underline`} onMouseDown={(e) => e.preventDefault()} onClick={addLink} aria-label="Add a link (Ctrl+K)" title="Add a link (Ctrl+K)">
            Link
          </button>
        </div>
        <div
          ref={ref}
          id={id}
          role="textbox"
          aria-multiline="true"
          aria-labelledby={`${id}-label`}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          aria-placeholder={placeholder}
          contentEditable
          suppressContentEditableWarning
          onInput={emit}
          onBlur={emit}
          onKeyDown={onKeyDown}
          data-placeholder={placeholder}
          className={`${richTextClass} min-h-24 px-3 py-2 text-sm text-stone-900 focus:outline-2 focus:outline-teal-700 empty:before:text-stone-400 empty:before:content-[attr(data-placeholder)]`}
        />
      </div>
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Server-sanitised HTML of a note, with list and link styles the reset removes. */
export function RichText({ html, className = '' }: { html: string; className?: string }) {
  return <div className={`${richTextClass} text-sm text-stone-800 ${className}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
