// PropertyCheck
