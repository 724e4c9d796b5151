// Cascading province / city / county selects: loads the options of the next level on change.
// The no-JavaScript 选择 button goes: hidden, it would still be the form's default button, so
// Enter in a field above it would only redisplay the form instead of submitting it.
// While the next level loads, the levels below are emptied and disabled (nobody picks a city of
// the previous province), and an answer that arrives after a newer choice is dropped.
export default function regionPicker(root) {
  const selects = Array.from(root.querySelectorAll("select"));
  const url = root.dataset.optionsUrl;
  root.querySelector(".region-picker__refresh")?.remove();
  let latest = 0;

  async function options(parent) {
    const response = await fetch(`${url}?parent=${encodeURIComponent(parent)}`, {
      headers: { "X-Requested-With": "fetch" },
    });
    return response.ok ? response.text() : null;
  }

  selects.forEach((select, index) => {
    select.addEventListener("change", async () => {
      const choice = ++latest;
      const below = selects.slice(index + 1);
      below.forEach((level) => {
        level.innerHTML = '<option value="">请选择</option>';
        level.disabled = true;
      });
      try {
        const html = below.length && select.value ? await options(select.value) : null;
        if (choice === latest && html !== null) below[0].innerHTML = html;
      } finally {
        if (choice === latest) below.forEach((level) => { level.disabled = false; });
      }
    });
  });
}
