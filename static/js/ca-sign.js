// A form signed by the local certificate driver (证书驱动): 单位 CA 登录, 数字证书注册 and
// 绑定新证书 (templates/components/ca_driver_fields.html). It asks the driver which certificates it
// holds (选择 CA 证书), shows the chosen one's 单位名称 and 统一社会信用代码 where the page has room
// for them, has the driver sign this page's challenge with the 证书密码 typed here (the driver
// checks the password; it is never sent to the hall), then posts certificate and signature.
//
// The driver's protocol (yibao/pki/agent.py): GET {agent}/certificates → {certificates: [{id,
// unit_name, uscc, subject, issuer, serial, not_after}]}; POST {agent}/sign {id, password,
// challenge} → {certificate, chain, signature} or {error}.
export default function caSign(form) {
  const agent = form.dataset.agentUrl.replace(/\/$/, "");
  const status = form.querySelector("[data-ca-status]");
  const missing = form.querySelector("[data-ca-missing]");
  const select = form.querySelector("[data-ca-certificates]");
  const password = form.querySelector("[data-ca-password]");
  const submit = form.querySelector("[data-ca-submit]");
  const unitName = form.querySelector("[data-ca-unit-name]");
  const uscc = form.querySelector("[data-ca-uscc]");
  const held = new Map();
  const field = (name) => form.querySelector(`input[name="${name}"]`);
  const say = (text) => { status.textContent = text; };

  async function list() {
    say("正在连接证书驱动…");
    let answer;
    try {
      const response = await fetch(`${agent}/certificates`, { mode: "cors", cache: "no-store" });
      if (!response.ok) throw new Error(String(response.status));
      answer = await response.json();
    } catch (error) {
      say("未检测到证书驱动。");
      missing.hidden = false;
      return;
    }
    const certificates = answer.certificates || [];
    if (!certificates.length) {
      say("证书驱动中没有 CA 证书，请将 CA 证书插入电脑后刷新页面。");
      return;
    }
    for (const item of certificates) {
      held.set(item.id, item);
      const option = document.createElement("option");
      option.value = item.id;
      option.textContent = `${item.unit_name}（${item.uscc}）有效期至 ${item.not_after}`;
      select.append(option);
    }
    const kept = field("selected").value;
    if (kept && certificates.some((item) => item.id === kept)) select.value = kept;
    else if (certificates.length === 1) select.value = certificates[0].id;
    show();
    select.disabled = false;
    password.disabled = false;
    submit.disabled = false;
    say("请选择 CA 证书并输入证书密码。");
  }

  function show() {
    const item = held.get(select.value);
    if (unitName) unitName.value = item ? item.unit_name : "";
    if (uscc) uscc.value = item ? item.uscc : "";
  }
  select.addEventListener("change", show);

  form.addEventListener("submit", async (event) => {
    if (field("signature").value) return; // signed: let the post go
    event.preventDefault();
    if (!select.value) { say("请选择 CA 证书"); select.focus(); return; }
    if (!password.value) { say("请输入证书密码"); password.focus(); return; }
    submit.disabled = true;
    say("证书驱动正在签名…");
    let answer;
    try {
      const response = await fetch(`${agent}/sign`, {
        method: "POST",
        mode: "cors",
        cache: "no-store",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ id: select.value, password: password.value, challenge: field("challenge").value }),
      });
      answer = await response.json();
      if (!response.ok) throw new Error(answer.error || "证书驱动签名失败");
    } catch (error) {
      say(error instanceof SyntaxError || error instanceof TypeError ? "证书驱动签名失败，请重试" : error.message);
      submit.disabled = false;
      password.value = "";
      password.focus();
      return;
    }
    password.value = "";
    field("certificate").value = answer.certificate;
    field("chain").value = (answer.chain || []).join("");
    field("signature").value = answer.signature;
    field("selected").value = select.value;
    form.submit();
  });

  list();
}
