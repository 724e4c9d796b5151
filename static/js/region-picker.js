// Cascading province / city / county selects: loads the options of the next level on change.
// The no-JavaScript 选择 button goes: hidden, it would still be the form's default button, so
// Enter in a field above it would only redisplay the form instead of submitting it.
export default function regionPicker(root) {
  const selects = Array.from(root.querySelectorAll("select"));
  const url = root.dataset.optionsUrl;
  root.querySelector(".region-picker__refresh")?.remove();

  async function fill(select, parent) {
    if (!parent) {
      select.innerHTML = '<option value="">请选择</option>';
      return;
    }
    const response = await fetch(`${url}?parent=${encodeURIComponent(parent)}`, {
      headers: { "X-Requested-With": "fetch" },
    });
    if (response.ok) select.innerHTML = await response.text();
  }

  selects.forEach((select, index) => {
    select.addEventListener("change", async () => {
      for (let next = index + 1; next < selects.length; next += 1) {
        await fill(selects[next], next === index + 1 ? select.value : "");
      }
    });
  });
}
