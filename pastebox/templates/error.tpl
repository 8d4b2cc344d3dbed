% rebase('base.tpl', title=heading)
<h1>{{heading}}</h1>
<p>{{message}}</p>
<p><a href="/">New paste</a></p>
