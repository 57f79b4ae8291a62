// The case form's lists: Add and Remove in the page, without a reload. Without script the
// same buttons submit the form, and the server writes it again with an item more or less.
// No library, no inline script, no eval: the page's Content-Security-Policy forbids them.
'use strict';

(function () {
  // The id of the field named `name`, as the server makes it: `partners[0].name` gives
  // `field-partners-0-name`.
  function fieldId(name) {
    return 'field-' + name.replace(/[.[]/g, '-').replace(/]/g, '');
  }

  // Changes the attribute where its value is `from` or starts with it and then one of the
  // characters `after` (`partners[1]` must not change `partners[10]`).
  function swap(element, attribute, from, to, after) {
    const value = element.getAttribute(attribute);
    const rest = value === null || !value.startsWith(from) ? null : value.slice(from.length);
    if (rest !== null && (rest === '' || after.includes(rest.charAt(0)))) {
      element.setAttribute(attribute, to + rest);
    }
  }

  // Gives an item and everything in it the name `to` instead of `from` (`partners[2]`).
  function rename(item, from, to) {
    const fromId = fieldId(from);
    const toId = fieldId(to);
    for (const element of [item, ...item.querySelectorAll('*')]) {
      swap(element, 'name', from, to, '.[');
      swap(element, 'data-list', from, to, '.[');
      if (element.tagName === 'BUTTON') swap(element, 'value', from, to, '.[');
      for (const attribute of ['id', 'for', 'aria-describedby']) swap(element, attribute, fromId, toId, '-');
    }
  }

  function items(list) {
    return Array.from(list.children).filter((child) => child.classList.contains('item'));
  }

  // Moves an item to the index `index` of its list: names, ids and the numbers shown.
  function place(item, path, index) {
    const old = item.dataset.index;
    if (old !== String(index)) {
      rename(item, path + '[' + old + ']', path + '[' + index + ']');
      item.dataset.index = String(index);
    }
    for (const number of item.querySelectorAll('.n')) {
      if (number.closest('.item') === item) number.textContent = String(index + 1);
    }
  }

  // Adds an empty item (the list's template) at the end; false where the list has none.
  function add(list) {
    const template = Array.from(list.children).find((child) => child.tagName === 'TEMPLATE');
    const empty = template && template.content.firstElementChild;
    if (!empty) return false;
    const item = empty.cloneNode(true);
    // Named before it joins the form, so that its radio buttons join no other item's.
    place(item, list.dataset.list, items(list).length);
    list.insertBefore(item, template);
    const first = item.querySelector('input, select');
    if (first) first.focus();
    return true;
  }

  // Takes an item out and numbers those after it again.
  function remove(item, list) {
    item.remove();
    items(list).forEach((other, index) => place(other, list.dataset.list, index));
    const more = Array.from(list.children).find((child) => child.classList.contains('add'));
    if (more) more.focus();
  }

  document.addEventListener('click', (event) => {
    const button = event.target.closest('button[name="add"], button[name="remove"]');
    if (!button) return;
    const item = button.name === 'remove' ? button.closest('.item') : null;
    const list = item ? item.parentElement : button.parentElement;
    if (!list || list.dataset.list === undefined) return;
    const form = button.form;
    if (item) {
      remove(item, list);
    } else if (!add(list)) {
      return;
    }
    event.preventDefault();
    // The page's advice follows the form's input events: a list changed is one.
    if (form) form.dispatchEvent(new Event('input', { bubbles: true }));
  });
})();
