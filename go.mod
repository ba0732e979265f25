module mailwire

go 1.24
