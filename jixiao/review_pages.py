"""The review application's pages (Jinja templates, autoescaped), its style and its one
script, served from the application itself: nothing comes from elsewhere."""

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#222}
header{background:#f6f8fb;border-bottom:1px solid #dde;padding:.5em 1em}
header a{margin-right:1em}main{padding:0 1em}table{border-collapse:collapse;font-size:14px}
th,td{border:1px solid #ccd;padding:3px 7px;vertical-align:top}th{background:#eef2f7}
.split{display:flex;gap:1em;align-items:flex-start}.values{flex:0 0 46%;max-height:88vh;overflow:auto}
.source{flex:1;position:sticky;top:0}.viewer{position:relative;display:inline-block;max-width:100%}
.viewer img{max-width:100%;display:block;border:1px solid #ccd}
#hl{position:absolute;border:3px solid #e15759;background:rgba(225,87,89,.15);display:none}
tr.sel{outline:2px solid #4e79a7}tr.decided td.v{color:#2a7}tr.stale td.v{color:#b00;font-weight:bold}
.text{white-space:pre-wrap;border:1px solid #ccd;padding:.6em;max-height:80vh;overflow:auto}
mark{background:#ffd54f}.note{color:#666;font-size:13px}input.val{width:8em}input.nt{width:7em}
.keys{color:#555;font-size:13px}
"""

JS = r"""(function(){
var data=JSON.parse(document.getElementById('jx-items').textContent);
var rows=[].slice.call(document.querySelectorAll('tr.item')),cur=-1;
var img=document.getElementById('pg'),hl=document.getElementById('hl'),txt=document.getElementById('txt');
function show(w){hl.style.display='none';txt.style.display='none';img.style.display='none';
 if(!w){txt.textContent='（未找到该值在原文中的位置）';txt.style.display='block';return;}
 if(w.box&&w.size){img.onload=function(){var b=w.box,s=w.size;
   hl.style.left=(100*b[0]/s[0])+'%';hl.style.top=(100*b[1]/s[1])+'%';
   hl.style.width=(100*(b[2]-b[0])/s[0])+'%';hl.style.height=(100*(b[3]-b[1])/s[1])+'%';hl.style.display='block';};
  var src='page/'+data.rid+'/'+w.page+'.png';if(img.getAttribute('src')!==src){img.setAttribute('src',src);}else{img.onload();}
  img.style.display='block';return;}
 txt.textContent='';var m=document.createElement('mark');m.textContent=w.mark||'';
 txt.appendChild(document.createTextNode((w.page?'第'+w.page+'页 … ':'… ')+(w.before||'')));txt.appendChild(m);
 txt.appendChild(document.createTextNode((w.after||'')+' …'));txt.style.display='block';m.scrollIntoView({block:'center'});}
function select(i){if(i<0||i>=rows.length)return;if(cur>=0)rows[cur].classList.remove('sel');cur=i;
 rows[i].classList.add('sel');rows[i].scrollIntoView({block:'nearest'});show(data.items[i].where);}
function send(i,decision){var r=rows[i],it=data.items[i];
 var body={report_id:data.rid,table:it.table,key:it.key,field:it.field,decision:decision,
  value:r.querySelector('input.val').value,note:r.querySelector('input.nt').value};
 fetch('decide',{method:'POST',headers:{'Content-Type':'application/json','X-CSRF-Token':data.csrf},
  body:JSON.stringify(body)}).then(function(x){return x.json();}).then(function(res){
  var st=r.querySelector('.st');if(!res.ok){st.textContent='✗ '+(res.error||'');return;}
  r.classList.remove('stale');r.classList.add('decided');
  var shown={confirmed:it.read,not_stated:'',corrected:body.value}[decision];
  r.querySelector('td.v').textContent=shown===''?'（未说明）':shown;
  st.textContent={confirmed:'已确认',corrected:'已更正',not_stated:'未说明'}[decision]+(res.applied?'':'（待入库）');
  select(i+1);});}
rows.forEach(function(r,i){r.addEventListener('click',function(){select(i);});
 r.querySelector('.ok').addEventListener('click',function(e){e.stopPropagation();send(i,'confirmed');});
 r.querySelector('.fix').addEventListener('click',function(e){e.stopPropagation();send(i,'corrected');});
 r.querySelector('.none').addEventListener('click',function(e){e.stopPropagation();send(i,'not_stated');});
 r.querySelector('input.val').addEventListener('keydown',function(e){if(e.key==='Enter'){e.preventDefault();send(i,'corrected');}});});
document.addEventListener('keydown',function(e){if(e.target.tagName==='INPUT'){if(e.key==='Escape')e.target.blur();return;}
 if(e.key==='j'||e.key==='ArrowDown'){select(cur+1);e.preventDefault();}
 else if(e.key==='k'||e.key==='ArrowUp'){select(cur-1);e.preventDefault();}
 else if((e.key==='c'||e.key==='Enter')&&cur>=0){send(cur,'confirmed');e.preventDefault();}
 else if(e.key==='e'&&cur>=0){rows[cur].querySelector('input.val').focus();e.preventDefault();}
 else if(e.key==='x'&&cur>=0){send(cur,'not_stated');e.preventDefault();}
 else if(e.key==='n'&&data.next){location.href='report/'+data.next;}});
if(rows.length)select(0);})();"""

QUEUE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>复核队列 · jixiao</title>
<style>{{ css }}</style></head><body>
<header><b>jixiao 复核</b> · 复核人 {{ reviewer }} · <a href="./">队列</a></header><main>
<form method="get" class="filters"><p>
{% for k, name in (("year", "年度"), ("unit", "单位"), ("kind", "类型")) %}
<label>{{ name }} <select name="{{ k }}"><option value="">全部</option>
{% for o in options[k] %}<option value="{{ o }}"{% if want[k] == o %} selected{% endif %}>{{ o }}</option>{% endfor %}
</select></label>
{% endfor %}
<label>状态 <select name="status"><option value="">全部</option>
<option value="to_review"{% if want.status == "to_review" %} selected{% endif %}>待复核</option>
<option value="reviewed"{% if want.status == "reviewed" %} selected{% endif %}>已复核</option></select></label>
<button>筛选</button></p></form>
<table id="queue"><tr><th>文件</th><th>单位</th><th>年度</th><th>类型</th><th>问题</th><th>OCR</th>
<th>非表格读取的金额</th><th>缺少</th><th>已复核值</th><th>待重新复核</th><th>状态</th></tr>
{% for q in rows %}<tr class="q" data-id="{{ q.report_id }}">
<td><a href="report/{{ q.report_id }}">{{ q.file_name }}</a></td><td>{{ q.unit_name }}</td>
<td>{{ q.fiscal_year if q.fiscal_year is not none else "" }}</td><td>{{ q.report_kind }}</td>
<td>{{ q.findings }}{% if q.errors %}（错误 {{ q.errors }}）{% endif %}</td><td>{{ "是" if q.ocr else "" }}</td>
<td>{{ q.loose or "" }}</td><td>{{ q.missing | join("、") }}</td><td>{{ q.decided }}</td><td>{{ q.stale or "" }}</td>
<td>{{ "已复核" if q.status == "reviewed" else "待复核" }}</td></tr>
{% else %}<tr><td colspan="11">没有报告</td></tr>{% endfor %}</table>
<p class="note">按问题多少排序：检查发现的问题（错误计三倍）、更正后读取值已变化的字段、从正文句子或 OCR 而非表格单元格读取（或未找到出处）的金额、OCR 识别、同类报告通常有而本报告缺少的字段。</p>
</main></body></html>""".replace("{{ css }}", CSS)

REPORT = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{{ f.file_name }} · 复核</title>
<base href="../"><style>{{ css }}</style></head><body>
<header><b>jixiao 复核</b> · <a href="./">队列</a> · {{ f.file_name }} · 复核人 {{ reviewer }}
{% if next_id %}· <a id="next" href="report/{{ next_id }}">下一份报告 (n)</a>{% endif %}
<span class="keys">j/k 上下 · c/回车 确认 · e 更正 · x 未说明 · n 下一份</span></header>
<main class="split"><div class="values"><table id="values">
<tr><th>表</th><th>行</th><th>字段</th><th>值</th><th>操作</th><th>状态</th></tr>
{% for it in items %}<tr class="item {{ it.state }}" data-table="{{ it.table }}" data-field="{{ it.field }}" data-key="{{ it.key }}">
<td>{{ {"reports": "报告", "projects": "项目", "indicators": "指标"}[it.table] }}</td><td>{{ it.key }}</td>
<td>{{ it.label }}</td><td class="v">{{ it.value if it.value != "" else "（未说明）" }}{% if it.wan %}<br><span class="note">{{ it.wan }}</span>{% endif %}
{% if it.state == "stale" %}<br><span class="note">更正所依据的读取值已变化，请重新复核</span>{% endif %}</td>
<td><button class="ok" title="确认 (c)">确认</button>
<input class="val" value="{{ it.value }}" aria-label="更正值"><button class="fix">更正</button>
<button class="none" title="原文未说明 (x)">未说明</button><input class="nt" placeholder="备注" aria-label="备注"></td>
<td class="st">{{ {"decided": "已复核", "stale": "待重新复核", "read": ""}[it.state] }}</td></tr>
{% endfor %}</table></div>
<div class="source"><div class="viewer"><img id="pg" alt="原文页面"><div id="hl"></div></div>
<div id="txt" class="text"></div></div></main>
<script type="application/json" id="jx-items">{{ {"rid": f.report_id, "csrf": csrf, "next": next_id,
 "items": items} | tojson }}</script><script src="app.js"></script></body></html>""".replace("{{ css }}", CSS)
