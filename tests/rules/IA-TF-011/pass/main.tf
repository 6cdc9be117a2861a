variable "azs" {
  type    = list(string)
  default = ["us-east-1a", "us-east-1b"]
}

resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = "vpc-0abc"
  cidr_block        = "10.0.${count.index}.0/24"
  availability_zone = var.azs[count.index]
}

resource "aws_subnet" "one" {
  vpc_id            = "vpc-0abc"
  cidr_block        = "10.0.9.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_autoscaling_group" "web" {
  name                = "web"
  min_size            = 2
  max_size            = 6
  vpc_zone_identifier = aws_subnet.private[*].id
}

resource "aws_autoscaling_group" "singleton" {
  name                = "singleton"
  min_size            = 1
  max_size            = 1
  vpc_zone_identifier = [aws_subnet.one.id]
}

resource "aws_instance" "workers" {
  count         = 2
  ami           = "ami-0123456789abcdef0"
  instance_type = "m6i.large"
  subnet_id     = aws_subnet.private[count.index].id
}
