// 图形验证码: clicking the picture (or 换一张) loads a new challenge without leaving the page.
export default function captchaRefresh(box) {
  const image = box.querySelector("img");
  const key = box.querySelector('input[type="hidden"][name$="_0"]');
  const answer = box.querySelector('input[type="text"]');
  const button = box.querySelector("button");
  async function refresh(event) {
    event.preventDefault();
    const response = await fetch(box.dataset.refreshUrl, { headers: { "X-Requested-With": "XMLHttpRequest" } });
    if (!response.ok) return;
    const data = await response.json();
    image.src = data.image_url;
    key.value = data.key;
    answer.value = "";
    answer.focus();
  }
  image.addEventListener("click", refresh);
  if (button) button.addEventListener("click", refresh);
}
